import type { StateStore } from './state-store';

/** A store under test, and how to open another instance on the same data (what a restart, or another process, sees). */
export interface StoreUnderTest {
  store: StateStore;
  reopen(): StateStore;
}

/**
 * What every StateStore promises, run against each implementation (file, etcd) by its spec:
 * versions, compare-and-set, listing, deletion, and data that outlives the instance.
 */
export function stateStoreContract(
  make: () => Promise<StoreUnderTest>,
  cleanup: () => Promise<void> | void = () => undefined,
  /** Whether instances on the same data serialise their writes (etcd: yes; the file store: one process owns a directory). */
  opts: { instancesShareWrites?: boolean } = {},
): void {
  let t: StoreUnderTest;
  beforeEach(async () => {
    t = await make();
  });
  afterEach(async () => {
    await t.store.close();
    await cleanup();
  });

  it('versions every write starting at 1 and reads back what was written', async () => {
    expect(await t.store.get('agents/a1')).toBeUndefined();
    expect(await t.store.put('agents/a1', { cpus: 2 })).toBe(1);
    expect(await t.store.put('agents/a1', { cpus: 3 })).toBe(2);
    expect(await t.store.get('agents/a1')).toEqual({ key: 'agents/a1', value: { cpus: 3 }, version: 2 });
  });

  it('compare-and-set succeeds only at the expected version', async () => {
    expect(await t.store.compareAndSet('k', 'a', 0)).toBe(1);
    await expect(t.store.compareAndSet('k', 'b', 0)).rejects.toMatchObject({ code: 'CONFLICT', status: 409 });
    await expect(t.store.compareAndSet('k', 'b', 5)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await t.store.compareAndSet('k', 'b', 1)).toBe(2);
    expect((await t.store.get('k'))?.value).toBe('b');
  });

  it('lets exactly one of many concurrent compare-and-sets win', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => t.store.compareAndSet('race', i, 0)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await t.store.get('race'))?.version).toBe(1);
  });

  if (opts.instancesShareWrites !== false) {
    it('lets exactly one of two instances win a compare-and-set race', async () => {
      const other = t.reopen();
      const results = await Promise.allSettled([t.store.compareAndSet('shared', 'a', 0), other.compareAndSet('shared', 'b', 0)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      await other.close();
    });
  }

  it('lists by prefix, sorted, and nothing outside the prefix', async () => {
    await Promise.all([t.store.put('frameworks/b', 2), t.store.put('frameworks/a', 1), t.store.put('agents/x', 0), t.store.put('frameworksX', 9)]);
    expect((await t.store.list('frameworks/')).map((e) => [e.key, e.value, e.version])).toEqual([['frameworks/a', 1, 1], ['frameworks/b', 2, 1]]);
    expect(await t.store.list('nothing/')).toEqual([]);
  });

  it('deletes, reports whether anything was there, and starts versions again after', async () => {
    await t.store.put('x', 1);
    await t.store.put('x', 2);
    expect(await t.store.delete('x')).toBe(true);
    expect(await t.store.delete('x')).toBe(false);
    expect(await t.store.get('x')).toBeUndefined();
    expect(await t.store.compareAndSet('x', 3, 0)).toBe(1);
  });

  it('keeps what was written for another instance (a restart, or a standby)', async () => {
    await t.store.put('frameworks/f1', { name: 'm' });
    const again = t.reopen();
    expect(await again.get('frameworks/f1')).toEqual({ key: 'frameworks/f1', value: { name: 'm' }, version: 1 });
    await again.close();
  });

  it('stores keys with long segments, lists and deletes them, and keeps them apart', async () => {
    const long = 'a'.repeat(5000);
    const other = 'a'.repeat(4999) + 'b';
    await t.store.put(`apps/${long}`, 1);
    await t.store.put(`apps/${other}`, 2);
    await t.store.put(`app-versions/${long}/v1`, 3);
    const again = t.reopen();
    expect((await again.get(`apps/${long}`))?.value).toBe(1);
    expect((await again.list('apps/')).map((e) => [e.key, e.value])).toEqual([[`apps/${long}`, 1], [`apps/${other}`, 2]]);
    expect((await again.list(`app-versions/${long}/`)).map((e) => e.key)).toEqual([`app-versions/${long}/v1`]);
    expect(await again.delete(`apps/${long}`)).toBe(true);
    expect(await again.list('apps/')).toHaveLength(1);
    await again.close();
  });
}
