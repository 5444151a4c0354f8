/**
 * A run's history, as Jepsen keeps one: every operation a client invoked, with when it was
 * invoked and completed and how it ended; every fault the nemesis started and healed; and every
 * observation (a read of some state at a time). Checkers are pure functions over it.
 *
 * Outcomes follow Jepsen: `ok` happened, `fail` definitely did not, `info` is unknown (a timeout,
 * a connection cut mid-request): it may or may not have taken effect, and checkers must allow both.
 */
export type Outcome = 'ok' | 'fail' | 'info';

export interface Operation<V = unknown> {
  kind: 'op';
  /** Unique within the history, in invocation order. */
  index: number;
  /** Which client issued it: 'marathon', 'chronos', 'kernel'. */
  client: string;
  /** What it does, e.g. 'app-create', 'app-scale', 'job-create', 'task-launch'. */
  f: string;
  value: V;
  invokedAt: number;
  completedAt?: number;
  outcome?: Outcome;
  /** The answer's useful part, or the error text. */
  result?: unknown;
  error?: string;
}

export interface FaultEvent {
  kind: 'fault';
  index: number;
  /** e.g. 'kill', 'pause', 'partition-isolate', 'partition-halves', 'partition-bridge', 'host-down'. */
  fault: string;
  /** Who it hits: process names or host names. */
  targets: string[];
  startedAt: number;
  healedAt?: number;
  detail?: string;
}

export interface Observation<V = unknown> {
  kind: 'observe';
  index: number;
  /** What was read, e.g. 'marathon-apps', 'agent-state', 'chronos-jobs'. */
  what: string;
  /** Where it was read from (a host or process name). */
  source: string;
  at: number;
  value: V;
}

export type HistoryEntry = Operation | FaultEvent | Observation;

export interface HistoryData {
  seed: number;
  startedAt: number;
  endedAt?: number;
  entries: HistoryEntry[];
}

/** The recorder the workload and nemesis write to; the clock is given (tests drive it). */
export class History {
  readonly entries: HistoryEntry[] = [];
  readonly startedAt: number;
  endedAt?: number;

  constructor(readonly seed: number, private readonly now: () => number) {
    this.startedAt = now();
  }

  invoke<V>(client: string, f: string, value: V): Operation<V> {
    const op: Operation<V> = { kind: 'op', index: this.entries.length, client, f, value, invokedAt: this.now() };
    this.entries.push(op);
    return op;
  }

  complete(op: Operation, outcome: Outcome, result?: unknown, error?: string): void {
    op.completedAt = this.now();
    op.outcome = outcome;
    if (result !== undefined) op.result = result;
    if (error !== undefined) op.error = error;
  }

  /** Invokes, runs and completes one operation: a thrown error is `info` unless `classify` says it definitely failed. */
  async run<V, R>(client: string, f: string, value: V, body: () => Promise<{ outcome: Outcome; result?: R; error?: string }>): Promise<Operation<V>> {
    const op = this.invoke(client, f, value);
    try {
      const r = await body();
      this.complete(op, r.outcome, r.result, r.error);
    } catch (err) {
      this.complete(op, 'info', undefined, (err as Error).message);
    }
    return op;
  }

  fault(fault: string, targets: string[], detail?: string): FaultEvent {
    const e: FaultEvent = { kind: 'fault', index: this.entries.length, fault, targets, startedAt: this.now(), ...(detail ? { detail } : {}) };
    this.entries.push(e);
    return e;
  }

  healed(e: FaultEvent): void {
    e.healedAt = this.now();
  }

  observe<V>(what: string, source: string, value: V, at = this.now()): Observation<V> {
    const o: Observation<V> = { kind: 'observe', index: this.entries.length, what, source, at, value };
    this.entries.push(o);
    return o;
  }

  end(): void {
    this.endedAt = this.now();
  }

  toJSON(): HistoryData {
    return { seed: this.seed, startedAt: this.startedAt, ...(this.endedAt !== undefined ? { endedAt: this.endedAt } : {}), entries: this.entries };
  }
}

export const operations = (entries: readonly HistoryEntry[]): Operation[] => entries.filter((e): e is Operation => e.kind === 'op');
export const faults = (entries: readonly HistoryEntry[]): FaultEvent[] => entries.filter((e): e is FaultEvent => e.kind === 'fault');
export const observations = <V>(entries: readonly HistoryEntry[], what: string): Observation<V>[] =>
  entries.filter((e): e is Observation<V> => e.kind === 'observe' && e.what === what);

/** Was any fault active at some time in [from, to] (a fault counts until `graceMs` after its heal: the system needs a moment to notice)? */
export function faultDuring(entries: readonly HistoryEntry[], from: number, to: number, graceMs = 0): boolean {
  return faults(entries).some((f) => f.startedAt <= to && (f.healedAt === undefined || f.healedAt + graceMs >= from));
}
