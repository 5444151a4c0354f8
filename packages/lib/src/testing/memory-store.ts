import { conflict } from '../errors/strata-error';
import type { StateStore, Versioned } from '../state/state-store';

/**
 * A StateStore in memory, for in-process harnesses. `hold()` makes writes wait until the
 * returned release is called, so a test can put another event between a write and what
 * follows it (the races a real disk only shows now and then); `failWrites` makes them throw.
 */
export class MemoryStateStore implements StateStore {
  private readonly data = new Map<string, { value: unknown; version: number }>();
  private gate?: Promise<void>;
  failWrites = false;

  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((r) => (release = r));
    return () => {
      this.gate = undefined;
      release();
    };
  }

  private async writable(key: string): Promise<void> {
    if (this.gate) await this.gate;
    if (this.failWrites) throw new Error(`write of '${key}' failed (MemoryStateStore.failWrites)`);
  }

  async get<T>(key: string): Promise<Versioned<T> | undefined> {
    const e = this.data.get(key);
    return e && { key, value: structuredClone(e.value) as T, version: e.version };
  }

  async put<T>(key: string, value: T): Promise<number> {
    await this.writable(key);
    const version = (this.data.get(key)?.version ?? 0) + 1;
    this.data.set(key, { value: structuredClone(value), version });
    return version;
  }

  async compareAndSet<T>(key: string, value: T, expectedVersion: number): Promise<number> {
    await this.writable(key);
    const current = this.data.get(key)?.version ?? 0;
    if (current !== expectedVersion) throw conflict(`state key '${key}' is at version ${current}, expected ${expectedVersion}`, { key, current, expectedVersion });
    this.data.set(key, { value: structuredClone(value), version: current + 1 });
    return current + 1;
  }

  async list<T>(prefix: string): Promise<Versioned<T>[]> {
    return [...this.data].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, e]) => ({ key, value: structuredClone(e.value) as T, version: e.version }));
  }

  async delete(key: string): Promise<boolean> {
    await this.writable(key);
    return this.data.delete(key);
  }

  async close(): Promise<void> {}
}
