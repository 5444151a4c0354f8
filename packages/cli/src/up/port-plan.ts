/** Where every process `strata up` starts listens, decided before any of them starts. */
export interface PortPlanOptions {
  ha?: boolean;
  masterPort: number;
  agentPort: number;
  agents: number;
  marathon: boolean;
  marathonPort: number;
  chronos: boolean;
  chronosPort: number;
  gateway: boolean;
  gatewayPort: number;
  etcdPort: number;
}

export interface PlannedPort {
  /** The process (as the supervisor names it) and what the port is for. */
  owner: string;
  port: number;
  /** The flag that moves it, for the error that says a port is taken. */
  flag: string;
}

/** In --ha, masters and etcd members are 100 ports apart (agents take the ports above the first master); framework instances side by side. */
export const masterPortOf = (base: number, i: number): number => base + 100 * i;
export const etcdClientPortOf = (base: number, i: number): number => base + 100 * i;
export const etcdPeerPortOf = (base: number, i: number): number => etcdClientPortOf(base, i) + 1;
export const frameworkPortOf = (base: number, i: number): number => base + i;

export function portPlan(o: PortPlanOptions): PlannedPort[] {
  const plan: PlannedPort[] = [];
  const n = o.ha ? 3 : 1;
  const instances = o.ha ? 2 : 1;
  if (o.ha) {
    for (let i = 0; i < 3; i++) {
      plan.push({ owner: `etcd${i}`, port: etcdClientPortOf(o.etcdPort, i), flag: '--etcd-port' });
      plan.push({ owner: `etcd${i} (peer)`, port: etcdPeerPortOf(o.etcdPort, i), flag: '--etcd-port' });
    }
  }
  for (let i = 0; i < n; i++) plan.push({ owner: o.ha ? `master-${i}` : 'master', port: masterPortOf(o.masterPort, i), flag: '--master-port' });
  for (let i = 0; i < o.agents; i++) plan.push({ owner: `agent-${i}`, port: o.agentPort + i, flag: '--agent-port' });
  for (const [kind, on, base] of [
    ['marathon', o.marathon, o.marathonPort],
    ['chronos', o.chronos, o.chronosPort],
  ] as const) {
    if (!on) continue;
    for (let i = 0; i < instances; i++) plan.push({ owner: o.ha ? `${kind}-${i}` : kind, port: frameworkPortOf(base, i), flag: `--${kind}-port` });
  }
  if (o.gateway) plan.push({ owner: 'gateway', port: o.gatewayPort, flag: '--gateway-port' });
  return plan;
}

/** Two processes planned on one port: a message per clash (empty when the plan is sound). */
export function portClashes(plan: PlannedPort[]): string[] {
  const byPort = new Map<number, PlannedPort[]>();
  for (const p of plan) byPort.set(p.port, [...(byPort.get(p.port) ?? []), p]);
  return [...byPort.entries()]
    .filter(([, owners]) => owners.length > 1)
    .map(([port, owners]) => `port ${port} is planned for ${owners.map((o) => o.owner).join(' and ')}; move one with ${[...new Set(owners.map((o) => o.flag))].join(' or ')}`);
}
