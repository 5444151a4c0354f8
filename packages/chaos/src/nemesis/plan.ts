import { Random } from '../random';

export type FaultKind = 'kill' | 'pause' | 'kill-leader' | 'partition-isolate' | 'partition-halves' | 'partition-bridge' | 'host-down';

export interface PlannedFault {
  /** When it starts, ms after the nemesis starts. */
  atMs: number;
  kind: FaultKind;
  /** How long until it is healed (the killed process restarted, the paused one continued, the network joined). */
  durationMs: number;
  /** kill / pause: a process name; kill-leader: a role (master, marathon, chronos); partition-isolate, host-down: a host. */
  target?: string;
  /** Partitions: the groups of hosts that still see each other. */
  groups?: string[][];
}

export interface ClusterShape {
  hosts: string[];
  processes: { name: string; role: string }[];
}

export const LEADER_ROLES = ['master', 'marathon', 'chronos'] as const;

/** Majority/minority: a random split with the larger side holding a majority of the hosts. */
export function halves(hosts: readonly string[], random: Random): string[][] {
  const order = random.shuffle(hosts);
  const cut = Math.floor(order.length / 2);
  return [order.slice(0, cut), order.slice(cut)];
}

/** A bridge partition (Jepsen's): two sides that each see one host in the middle, which sees both. */
export function bridge(hosts: readonly string[], random: Random): string[][] {
  const order = random.shuffle(hosts);
  const mid = Math.floor(order.length / 2);
  return [order.slice(0, mid + 1), order.slice(mid)];
}

/** One fault of `kind` drawn for the cluster. Pauses outlast a lease (the point of them); the rest last `durationMs`. */
export function drawFault(kind: FaultKind, shape: ClusterShape, random: Random, atMs: number, durationMs: number, leaseMs: number): PlannedFault {
  const services = shape.processes.filter((p) => p.role !== 'etcd' || random.next() < 0.5);
  switch (kind) {
    case 'kill':
      return { atMs, kind, durationMs, target: random.pick(services).name };
    case 'pause':
      return { atMs, kind, durationMs: Math.max(durationMs, leaseMs * 2), target: random.pick(shape.processes.filter((p) => p.role !== 'etcd')).name };
    case 'kill-leader':
      return { atMs, kind, durationMs, target: random.pick(LEADER_ROLES) };
    case 'partition-isolate':
    case 'host-down':
      return { atMs, kind, durationMs, target: random.pick(shape.hosts) };
    case 'partition-halves':
      return { atMs, kind, durationMs, groups: halves(shape.hosts, random) };
    case 'partition-bridge':
      return { atMs, kind, durationMs, groups: bridge(shape.hosts, random) };
  }
}

const ALL: FaultKind[] = ['kill', 'pause', 'kill-leader', 'partition-isolate', 'partition-halves', 'partition-bridge', 'host-down'];

/**
 * A seeded schedule for a long run: quiet and fault windows alternate, one fault at a time, each
 * of a kind drawn at random (every kind appears before any repeats), so a seed names a run.
 */
export function randomPlan(opts: { seed: number; durationMs: number; shape: ClusterShape; quietMs?: number; faultMs?: [number, number]; leaseMs?: number; kinds?: FaultKind[] }): PlannedFault[] {
  const random = new Random(opts.seed);
  const quiet = opts.quietMs ?? 10_000;
  const [lo, hi] = opts.faultMs ?? [5_000, 12_000];
  const kinds = opts.kinds ?? ALL;
  const out: PlannedFault[] = [];
  let bag: FaultKind[] = [];
  for (let at = quiet; ; ) {
    if (!bag.length) bag = random.shuffle(kinds);
    const f = drawFault(bag.pop()!, opts.shape, random, at, random.int(lo, hi), opts.leaseMs ?? 2_000);
    if (f.atMs + f.durationMs + quiet > opts.durationMs) break;
    out.push(f);
    at = f.atMs + f.durationMs + quiet;
  }
  return out;
}

/**
 * The short run of `npm test`: about two and a half minutes with one fault of each kind that
 * matters most — the master leader killed, a core host isolated, the Marathon leader paused past
 * its lease, the Chronos leader killed, a majority/minority split, a whole host down — in a fixed
 * order, targets drawn from the seed.
 */
export function shortPlan(seed: number, shape: ClusterShape, leaseMs = 2_000): PlannedFault[] {
  const random = new Random(seed);
  const core = shape.hosts.slice(0, 3);
  return [
    { atMs: 12_000, kind: 'kill-leader', target: 'master', durationMs: 5_000 },
    { atMs: 30_000, kind: 'partition-isolate', target: random.pick(core), durationMs: 10_000 },
    { atMs: 55_000, kind: 'pause', target: random.pick(shape.processes.filter((p) => p.role === 'marathon')).name, durationMs: Math.max(5_000, leaseMs * 2) },
    { atMs: 72_000, kind: 'kill-leader', target: 'chronos', durationMs: 5_000 },
    { atMs: 90_000, kind: 'partition-halves', groups: halves(shape.hosts, random), durationMs: 10_000 },
    { atMs: 115_000, kind: 'host-down', target: random.pick(shape.hosts.slice(3)), durationMs: 8_000 },
  ];
}

/** How long a plan runs, ms (the last heal). */
export function planSpan(plan: readonly PlannedFault[]): number {
  return plan.reduce((m, f) => Math.max(m, f.atMs + f.durationMs), 0);
}
