import * as fs from 'node:fs';
import * as path from 'node:path';
import { etcdBinary } from '@strata/lib/ha';
import { HostNetwork, type Host } from '../hosts/host-network';
import { HostProcess } from '../hosts/host-process';

export interface ChaosClusterOptions {
  /** Hosts (default 5): etcd and masters on the first three, agents on all, Marathon and Chronos on the last two. */
  hosts?: number;
  dir: string;
  /** Leadership lease of masters, Marathon and Chronos, seconds. */
  leaseTtl?: number;
  agentResources?: string;
  /** Extra environment for every Strata process (test hooks that plant a bug). */
  env?: Record<string, string>;
}

/** Where each service of a Strata package lives (its bin), found through the package, not a path guess. */
function bin(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`@strata/${pkg}/package.json`)), 'bin', file);
}

export const PORTS = { etcdClient: 2379, etcdPeer: 2380, master: 5050, agent: 5051, marathon: 8080, chronos: 4400 };

/**
 * A whole Strata cluster on the hosts of a HostNetwork, each service on its usual port (every
 * namespace has its own): etcd members and masters on h1-h3, an agent on every host, Marathon
 * and Chronos instances on the last two. Every process can be killed, paused and started again
 * on its data, as the nemesis wants.
 */
export class ChaosCluster {
  readonly processes: HostProcess[] = [];
  readonly clusterName = 'chaos';
  readonly runsDir: string;

  private constructor(readonly net: HostNetwork, readonly opts: ChaosClusterOptions) {
    this.runsDir = path.join(opts.dir, 'runs');
  }

  static async start(opts: ChaosClusterOptions): Promise<ChaosCluster> {
    await HostNetwork.requireSupport(); // the most basic need first, with its own message
    const etcd = etcdBinary();
    const net = await HostNetwork.create({ hosts: opts.hosts ?? 5 });
    const c = new ChaosCluster(net, opts);
    try {
      fs.mkdirSync(c.runsDir, { recursive: true });
      c.layout(etcd);
      for (const p of c.processes) p.start();
      return c;
    } catch (err) {
      await c.stop();
      throw err;
    }
  }

  get hosts(): Host[] {
    return this.net.hosts;
  }

  /** The control-plane hosts: etcd members and masters. */
  get coreHosts(): Host[] {
    return this.hosts.slice(0, 3);
  }

  /** The hosts with a Marathon and a Chronos instance. */
  get frameworkHosts(): Host[] {
    return this.hosts.slice(-2);
  }

  get etcdEndpoints(): string[] {
    return this.coreHosts.map((h) => `http://${h.address}:${PORTS.etcdClient}`);
  }

  /** `--master` for agents, frameworks and the harness's own framework: follows the leader through etcd. */
  get masterUrl(): string {
    return `etcd://${this.coreHosts.map((h) => `${h.address}:${PORTS.etcdClient}`).join(',')}/${this.clusterName}`;
  }

  byRole(role: string): HostProcess[] {
    return this.processes.filter((p) => p.spec.role === role);
  }

  onHost(host: string): HostProcess[] {
    return this.processes.filter((p) => p.spec.host.name === host);
  }

  process(name: string): HostProcess {
    const p = this.processes.find((x) => x.name === name);
    if (!p) throw new Error(`no process '${name}'`);
    return p;
  }

  private layout(etcd: string): void {
    const { dir } = this.opts;
    const ttl = String(this.opts.leaseTtl ?? 2);
    const logDir = path.join(dir, 'logs');
    const env = { STRATA_LOG_LEVEL: 'info', ...this.opts.env };
    const add = (role: string, host: Host, command: string, args: string[]) =>
      this.processes.push(new HostProcess({ name: `${role}-${host.name}`, role, host, command, args, logDir, env }));
    const initialCluster = this.coreHosts.map((h) => `etcd-${h.name}=http://${h.address}:${PORTS.etcdPeer}`).join(',');
    for (const h of this.coreHosts) {
      const client = `http://${h.address}:${PORTS.etcdClient}`;
      const peer = `http://${h.address}:${PORTS.etcdPeer}`;
      add('etcd', h, etcd, [
        '--name', `etcd-${h.name}`, '--data-dir', path.join(dir, 'etcd', h.name),
        '--listen-client-urls', client, '--advertise-client-urls', client,
        '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
        '--initial-cluster', initialCluster, '--initial-cluster-state', 'new', '--initial-cluster-token', `chaos-${path.basename(dir)}`,
        // As the tests' clusters: an etcd election well inside a 2 s lease, and pre-vote, so a member
        // cut off and back does not depose the leader with the terms it ran up alone.
        '--heartbeat-interval', '100', '--election-timeout', '500', '--pre-vote', '--logger', 'zap', '--log-level', 'warn',
      ]);
    }
    const etcdArgs = ['--etcd', this.etcdEndpoints.join(','), '--cluster-name', this.clusterName, '--lease-ttl', ttl];
    for (const h of this.coreHosts) {
      add('master', h, process.execPath, [bin('master', 'strata-master.js'), '--ip', h.address, '--port', String(PORTS.master), '--hostname', h.address, '--work-dir', path.join(dir, 'master', h.name), ...etcdArgs, '--agent-ping-timeout', '5', '--agent-reregister-timeout', '20']);
    }
    for (const h of this.hosts) {
      add('agent', h, process.execPath, [
        bin('agent', 'strata-agent.js'), '--master', this.masterUrl, '--ip', h.address, '--advertise-ip', h.address, '--port', String(PORTS.agent), '--hostname', h.address,
        '--work-dir', path.join(dir, 'agent', h.name), '--resources', this.opts.agentResources ?? 'cpus:4;mem:4096;disk:4096;ports:[31000-31999]', '--isolation', 'none',
        '--status-update-retry', '2',
      ]);
    }
    for (const h of this.frameworkHosts) {
      const common = ['--master', this.masterUrl, '--http-address', h.address, '--hostname', h.address, ...etcdArgs];
      add('marathon', h, process.execPath, [bin('marathon', 'strata-marathon.js'), ...common, '--http-port', String(PORTS.marathon), '--state', path.join(dir, 'marathon', h.name), '--decline-offer-duration', '5']);
      add('chronos', h, process.execPath, [bin('chronos', 'strata-chronos.js'), ...common, '--http-port', String(PORTS.chronos), '--state', path.join(dir, 'chronos', h.name)]);
    }
  }

  /** HTTP base of a process's API. */
  base(p: HostProcess): string {
    const port = { master: PORTS.master, agent: PORTS.agent, marathon: PORTS.marathon, chronos: PORTS.chronos, etcd: PORTS.etcdClient }[p.spec.role];
    return `http://${p.spec.host.address}:${port}`;
  }

  async stop(): Promise<void> {
    // Frameworks and agents first, etcd last: nothing is left waiting on a store that went first.
    const order = ['chronos', 'marathon', 'agent', 'master', 'etcd'];
    for (const role of order) await Promise.all(this.byRole(role).map((p) => p.kill('SIGKILL')));
    await this.net.destroy();
  }
}
