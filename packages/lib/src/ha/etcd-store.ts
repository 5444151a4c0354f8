import { CompareResult, CompareTarget, Range, SortOrder, SortTarget, type Etcd3, type ICompare, type IRequestOp, type IKeyValue, type ITxnResponse } from 'etcd3';
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
    return kv ? this.decode<T>(kv) : undefined;
  }

  async put<T>(key: string, value: T): Promise<number> {
    const k = this.full(key);
    const res = await this.write(key, [], { request_put: { key: k, value: this.encode(key, value), prev_kv: true } });
    const prev = res.responses[0]?.response_put.prev_kv;
    return prev ? Number(prev.version) + 1 : 1;
  }

  async compareAndSet<T>(key: string, value: T, expectedVersion: number): Promise<number> {
    const k = this.full(key);
    await this.write(key, [{ key: k, target: CompareTarget.Version, result: CompareResult.Equal, version: String(expectedVersion) }], { request_put: { key: k, value: this.encode(key, value) } }, expectedVersion);
    return expectedVersion + 1;
  }

  async delete(key: string): Promise<boolean> {
    const k = this.full(key);
    const res = await this.write(key, [], { request_delete_range: { key: k } });
    return Number(res.responses[0]?.response_delete_range.deleted ?? 0) > 0;
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

  /** One transaction: the fence (if any) and `compares` must hold, else nothing is written and the reason is thrown. */
  private async write(key: string, compares: Compare[], op: IRequestOp, expectedVersion?: number): Promise<ITxnResponse> {
    const fence = this.opts.fence?.(); // throws NOT_LEADER when this instance no longer leads
    const all: Compare[] = fence ? [{ key: Buffer.from(fence.key), target: CompareTarget.Create, result: CompareResult.Equal, create_revision: fence.createRevision }, ...compares] : compares;
    const failure: IRequestOp[] = [...(fence ? [{ request_range: { key: Buffer.from(fence.key) } }] : []), ...(compares.length ? [{ request_range: { key: compares[0]!.key } }] : [])];
    let res: ITxnResponse;
    try {
      res = await this.client.kv.txn({ compare: all, success: [op], failure });
    } catch (err) {
      throw new StrataError('STATE_WRITE_FAILED', `cannot write state key '${key.slice(0, 300)}' to etcd: ${(err as Error).message}`, { cause: err, context: { key } });
    }
    if (res.succeeded) return res;
    if (fence) {
      const holder = res.responses[0]?.response_range.kvs[0];
      if (!holder || String(holder.create_revision) !== fence.createRevision) {
        throw new StrataError('NOT_LEADER', `not written: this instance's leadership (${fence.key}) has ended`, { context: { key } });
      }
    }
    const current = res.responses[fence ? 1 : 0]?.response_range.kvs[0];
    const version = current ? Number(current.version) : 0;
    throw conflict(`state key '${key}' is at version ${version}, expected ${expectedVersion}`, { key, current: version, expectedVersion });
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
