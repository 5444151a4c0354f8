import { portClashes, portPlan, type PortPlanOptions } from './port-plan';

const defaults: PortPlanOptions = { masterPort: 5050, agentPort: 5051, agents: 1, marathon: true, marathonPort: 8080, chronos: true, chronosPort: 4400, gateway: true, gatewayPort: 8000, etcdPort: 2379 };

describe('portPlan', () => {
  it('one of each on the Mesos ports by default', () => {
    expect(portPlan(defaults).map((p) => `${p.owner}:${p.port}`)).toEqual(['master:5050', 'agent-0:5051', 'marathon:8080', 'chronos:4400', 'gateway:8000']);
    expect(portClashes(portPlan(defaults))).toEqual([]);
  });

  it('--ha: etcd client and peer ports, masters 100 apart, a standby beside each framework', () => {
    const ports = Object.fromEntries(portPlan({ ...defaults, ha: true }).map((p) => [p.owner, p.port]));
    expect(ports).toEqual({
      etcd0: 2379, 'etcd0 (peer)': 2380, etcd1: 2479, 'etcd1 (peer)': 2480, etcd2: 2579, 'etcd2 (peer)': 2580,
      'master-0': 5050, 'master-1': 5150, 'master-2': 5250, 'agent-0': 5051,
      'marathon-0': 8080, 'marathon-1': 8081, 'chronos-0': 4400, 'chronos-1': 4401, gateway: 8000,
    });
  });

  it('leaves out what is switched off', () => {
    expect(portPlan({ ...defaults, marathon: false, chronos: false, gateway: false, agents: 3 }).map((p) => p.owner)).toEqual(['master', 'agent-0', 'agent-1', 'agent-2']);
  });

  it('names both owners and their flags when two land on one port', () => {
    // 100 agents from 5051 run into the second master at 5150.
    const clashes = portClashes(portPlan({ ...defaults, ha: true, agents: 100 }));
    expect(clashes).toEqual(['port 5150 is planned for master-1 and agent-99; move one with --master-port or --agent-port']);
    expect(portClashes(portPlan({ ...defaults, marathonPort: 4400 }))).toEqual(['port 4400 is planned for marathon and chronos; move one with --marathon-port or --chronos-port']);
  });
});
