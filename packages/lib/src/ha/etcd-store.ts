import { CompareResult, CompareTarget, Range, SortOrder, SortTarget, type Etcd3, type ICompare, type IRequestOp, type IResponseOp, type IKeyValue, type ITxnResponse } from 'etcd3';
import { StrataError, conflict } from '../errors/strata-error';
import type { StateStore, Versioned } from '../state/state-store';
import type { Fence } from './leadership';

export interface EtcdStoreOptions {
  /** Every key is stored under this (clusterKeys(c).store(service)). */
  prefix: string;
  /**
   * When set, every write is a transaction that holds only while this returns a live fence:
   * a leader that lost its lease, or was paused past it, writes nothing (NOT_LEADER).
   */
  fence?: () => Fence;
  /** Largest value taken, in bytes of JSON (etcd refuses requests over 1.5 MiB by default). */
  maxValueBytes?: number;
  /** Keys per page when listing (a registry of 40,000 agents is read in pages, not one reply). */
  pageSize?: number;
}

const MAX_KEY_BYTES = 32 * 1024;

/**
 * The StateStore contract on etcd: one key per record, etcd's per-key version as the record's
 * version (1 on create, +1 per write, 0 when absent), compare-and-set as a transaction on it.
 * It is what Marathon, Chronos and the master use when they run with several instances.
 */
export class EtcdStateStore implements StateStore {
  private readonly maxValueBytes: number;
  private readonly pageSize: number;
  private readonly queue: QueuedWrite[] = [];
  private draining = false;
  /**
   * Each existing key's mod revision as this store last saw it (a key not here: absent, '0'; kept
   * that way so the keys of a long term's deleted runs and tasks do not pile up). Every write holds only if
   * the key is still there: etcd3 retries a write that timed out on another member, and the
   * first copy, held up in a partition's TCP buffers, can reach its member when the partition
   * heals and commit then, long after, over what was written since (the chaos run caught a
   * Chronos run put back to `queued` over `finished` that way). Conditioned, that late copy fails.
   */
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly client: Etcd3,
    private readonly opts: EtcdStoreOptions,
  ) {
    this.maxValueBytes = opts.maxValueBytes ?? 1024 * 1024;
    this.pageSize = opts.pageSize ?? 1_000;
  }

  private full(key: string): Buffer {
    if (!key || key.includes('\0')) throw new StrataError('INVALID_KEY', `state key '${key.slice(0, 300)}' is empty or has a NUL byte`, { context: { key } });
    const full = Buffer.from(this.opts.prefix + key);
    if (full.length > MAX_KEY_BYTES) throw new StrataError('INVALID_KEY', `state key '${key.slice(0, 300)}…' is too long (${key.length} characters)`, { context: { key } });
    return full;
  }

  private encode(key: string, value: unknown): Buffer {
    const data = Buffer.from(JSON.stringify(value));
    if (data.length > this.maxValueBytes) {
      throw new StrataError('VALUE_TOO_LARGE', `state record '${key.slice(0, 300)}' is ${data.length} bytes; the etcd store takes at most ${this.maxValueBytes}`, { context: { key, bytes: data.length } });
    }
    return data;
  }

  private decode<T>(kv: IKeyValue): Versioned<T> {
    const key = kv.key.toString().slice(this.opts.prefix.length);
    this.learn(key, String(kv.mod_revision));
    try {
      return { key, value: JSON.parse(kv.value.toString()) as T, version: Number(kv.version) };
    } catch (err) {
      throw new StrataError('STATE_READ_FAILED', `state record '${key}' in etcd is not JSON`, { cause: err, context: { key } });
    }
  }

  async get<T>(key: string): Promise<Versioned<T> | undefined> {
    const k = this.full(key);
    const res = await this.read(key, () => this.client.kv.range({ key: k }));
    const kv = res.kvs[0];
    if (!kv) this.learn(key, undefined);
    return kv ? this.decode<T>(kv) : undefined;
  }

  async put<T>(key: string, value: T): Promise<number> {
    const k = this.full(key);
    const data = this.encode(key, value);
    const r = await this.submit({ key, full: k, bytes: k.length + data.length, op: { request_put: { key: k, value: data, prev_kv: true } } });
    const prev = r.response_put.prev_kv;
    return prev ? Number(prev.version) + 1 : 1;
  }

  async compareAndSet<T>(key: string, value: T, expectedVersion: number): Promise<number> {
    const k = this.full(key);
    const data = this.encode(key, value);
    const compare: Compare = { key: k, target: CompareTarget.Version, result: CompareResult.Equal, version: String(expectedVersion) };
    await this.submit({ key, full: k, bytes: k.length + data.length, op: { request_put: { key: k, value: data } }, compare, expectedVersion });
    return expectedVersion + 1;
  }

  async delete(key: string): Promise<boolean> {
    const k = this.full(key);
    const r = await this.submit({ key, full: k, bytes: k.length, op: { request_delete_range: { key: k } } });
    return Number(r.response_delete_range.deleted ?? 0) > 0;
  }

  async list<T>(prefix: string): Promise<Versioned<T>[]> {
    const range = Range.prefix(this.opts.prefix + prefix);
    const out: Versioned<T>[] = [];
    let start = range.start;
    for (;;) {
      const res = await this.read(prefix, () => this.client.kv.range({ key: start, range_end: range.end, limit: String(this.pageSize), sort_order: SortOrder.Ascend, sort_target: SortTarget.Key }));
      for (const kv of res.kvs) out.push(this.decode<T>(kv));
      if (!res.more || !res.kvs.length) return out;
      start = Buffer.concat([res.kvs[res.kvs.length - 1]!.key, Buffer.from([0])]);
    }
  }

  async close(): Promise<void> {
    // The client belongs to whoever made it (one per process, shared with its election).
  }

  /**
   * Writes go out in order, and those made in one turn of the event loop go together: up to
   * MAX_TXN_OPS distinct keys (and about 1 MiB) per transaction, so a framework that saves 1,000
   * instances at once sends 8 requests, not 1,000 (each one costs the client CPU that would
   * otherwise starve its lease renewals). A compare-and-set goes alone, with its compare.
   */
  private submit(w: Omit<QueuedWrite, 'resolve' | 'reject'>): Promise<IResponseOp> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...w, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => {
          this.drain().catch((err: unknown) => {
            for (const w of this.queue.splice(0)) w.reject(err);
            this.draining = false;
          });
        });
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) await this.commit(this.takeBatch());
    this.draining = false;
  }

  private takeBatch(): QueuedWrite[] {
    const first = this.queue.shift()!;
    if (first.compare) return [first];
    const batch = [first];
    const keys = new Set([first.key]);
    let bytes = first.bytes;
    while (batch.length < MAX_TXN_OPS && this.queue.length) {
      const next = this.queue[0]!;
      if (next.compare || keys.has(next.key) || bytes + next.bytes > MAX_TXN_BYTES) break;
      batch.push(this.queue.shift()!);
      keys.add(next.key);
      bytes += next.bytes;
    }
    return batch;
  }

  /**
   * One transaction: the fence (if any) and each write's condition (a compare-and-set's compare,
   * or the key's mod revision as last seen) must hold, else nothing is written. A key that moved
   * on is learnt and the batch written again: under the fence no other writer exists, so what
   * moved it was a late copy of one of our own earlier writes, and ours now is the newer intent.
   * Never throws.
   */
  private async commit(batch: QueuedWrite[]): Promise<void> {
    const fail = (err: unknown) => {
      for (const w of batch) w.reject(err);
    };
    const what = () => (batch.length === 1 ? `state key '${batch[0]!.key.slice(0, 300)}'` : `${batch.length} state keys ('${batch[0]!.key.slice(0, 200)}'…)`);
    const cas = batch[0]!.compare;
    for (let attempt = 1; ; attempt++) {
      let fence: Fence | undefined;
      try {
        fence = this.opts.fence?.(); // throws NOT_LEADER when this instance (this term) no longer leads
      } catch (err) {
        return fail(err);
      }
      const guards: Compare[] = cas ? [cas] : batch.map((w) => ({ key: w.full, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: this.seen.get(w.key) ?? '0' }));
      const compare: Compare[] = [...(fence ? [{ key: Buffer.from(fence.key), target: CompareTarget.Create, result: CompareResult.Equal, create_revision: fence.createRevision }] : []), ...guards];
      const failure: IRequestOp[] = [...(fence ? [{ request_range: { key: Buffer.from(fence.key) } }] : []), ...guards.map((g) => ({ request_range: { key: g.key } }))];
      let res: ITxnResponse;
      try {
        res = await this.client.kv.txn({ compare, success: batch.map((w) => w.op), failure });
      } catch (err) {
        return fail(new StrataError('STATE_WRITE_FAILED', `cannot write ${what()} to etcd: ${(err as Error).message}`, { cause: err, context: { key: batch[0]!.key } }));
      }
      if (res.succeeded) {
        const revision = String(res.header.revision);
        batch.forEach((w, i) => {
          this.learn(w.key, w.op.request_delete_range ? undefined : revision);
          w.resolve(res.responses[i]!);
        });
        return;
      }
      if (fence) {
        const holder = res.responses[0]?.response_range.kvs[0];
        if (!holder || String(holder.create_revision) !== fence.createRevision) {
          return fail(new StrataError('NOT_LEADER', `not written: this instance's leadership (${fence.key}) has ended`, { context: { key: batch[0]!.key } }));
        }
      }
      const offset = fence ? 1 : 0;
      batch.forEach((w, i) => {
        const kv = res.responses[offset + i]?.response_range.kvs[0];
        this.learn(w.key, kv ? String(kv.mod_revision) : undefined);
      });
      if (cas) {
        const w = batch[0]!;
        const current = res.responses[offset]?.response_range.kvs[0];
        const version = current ? Number(current.version) : 0;
        return fail(conflict(`state key '${w.key}' is at version ${version}, expected ${w.expectedVersion}`, { key: w.key, current: version, expectedVersion: w.expectedVersion }));
      }
      if (attempt >= MAX_ATTEMPTS) return fail(new StrataError('STATE_WRITE_FAILED', `cannot write ${what()} to etcd: changed by another writer ${attempt} times in a row`, { context: { key: batch[0]!.key } }));
    }
  }

  /** Where `key` now is: its mod revision, or undefined when it is absent. */
  private learn(key: string, modRevision: string | undefined): void {
    if (modRevision === undefined) this.seen.delete(key);
    else this.seen.set(key, modRevision);
  }

  private async read<R>(key: string, fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      throw new StrataError('STATE_READ_FAILED', `cannot read state key '${key.slice(0, 300)}' from etcd: ${(err as Error).message}`, { cause: err, context: { key } });
    }
  }
}

type Compare = ICompare & { key: Buffer };

interface QueuedWrite {
  key: string;
  /** The key with the store's prefix, as etcd has it. */
  full: Buffer;
  bytes: number;
  op: IRequestOp;
  /** A compare-and-set: its compare, and the version it expects (for the CONFLICT message). */
  compare?: Compare;
  expectedVersion?: number;
  resolve(r: IResponseOp): void;
  reject(err: unknown): void;
}

/** etcd's default --max-txn-ops, counted in compares too: one is the fence's. */
const MAX_TXN_OPS = 128 - 1;
/** Tries of a batch whose keys moved on (each a round trip); more means another writer, not a late copy. */
const MAX_ATTEMPTS = 3;
/** Under etcd's default request limit (1.5 MiB), with room for the envelope. */
const MAX_TXN_BYTES = 1024 * 1024;
