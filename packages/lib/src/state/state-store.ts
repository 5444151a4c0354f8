/**
 * What must outlive a restart sits behind this interface. Every value carries a version that
 * increases by one on each write, so callers can compare-and-set; version 0 means "absent".
 * Keys are '/'-separated paths ("agents/<id>"). The file store is the default; an etcd store
 * implements the same contract for multi-master setups.
 */
export interface Versioned<T> {
  key: string;
  value: T;
  version: number;
}

export interface StateStore {
  get<T>(key: string): Promise<Versioned<T> | undefined>;
  /**
   * Unconditional write; returns the new version. `durable: false` asks only for crash safety of
   * the process (no flush to disk): for high-rate bookkeeping that can be rebuilt after a reboot.
   */
  put<T>(key: string, value: T, opts?: { durable?: boolean }): Promise<number>;
  /** Writes only if the current version is `expectedVersion` (0: the key must not exist); else throws a CONFLICT StrataError. */
  compareAndSet<T>(key: string, value: T, expectedVersion: number): Promise<number>;
  /** Every entry whose key starts with `prefix`, sorted by key. */
  list<T>(prefix: string): Promise<Versioned<T>[]>;
  /** Returns whether something was deleted. */
  delete(key: string): Promise<boolean>;
  close(): Promise<void>;
}
