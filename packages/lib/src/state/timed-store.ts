import type { StateStore } from './state-store';

/** A StateStore whose writes report how long they took (a registry write latency histogram). */
export function timedStore(store: StateStore, observe: (seconds: number, op: 'put' | 'compareAndSet' | 'delete') => void): StateStore {
  const timed = async <R>(op: 'put' | 'compareAndSet' | 'delete', fn: () => Promise<R>): Promise<R> => {
    const t0 = process.hrtime.bigint();
    try {
      return await fn();
    } finally {
      observe(Number(process.hrtime.bigint() - t0) / 1e9, op);
    }
  };
  return {
    get: (key) => store.get(key),
    list: (prefix) => store.list(prefix),
    put: (key, value, opts) => timed('put', () => store.put(key, value, opts)),
    compareAndSet: (key, value, v) => timed('compareAndSet', () => store.compareAndSet(key, value, v)),
    delete: (key) => timed('delete', () => store.delete(key)),
    close: () => store.close(),
  };
}
