import { readdirSync } from 'node:fs';
import { tmpDir } from '../testing/tmp-dir';
import { FileStateStore } from './file-store';

describe('FileStateStore', () => {
  let dir: ReturnType<typeof tmpDir>;
  let store: FileStateStore;
  beforeEach(() => {
    dir = tmpDir();
    store = new FileStateStore(dir.path);
  });
  afterEach(() => dir.remove());

  it('versions every write starting at 1 and reads back what was written', async () => {
    expect(await store.get('agents/a1')).toBeUndefined();
    expect(await store.put('agents/a1', { cpus: 2 })).toBe(1);
    expect(await store.put('agents/a1', { cpus: 3 })).toBe(2);
    expect(await store.get('agents/a1')).toEqual({ key: 'agents/a1', value: { cpus: 3 }, version: 2 });
  });

  it('compare-and-set succeeds only at the expected version', async () => {
    expect(await store.compareAndSet('k', 'a', 0)).toBe(1);
    await expect(store.compareAndSet('k', 'b', 0)).rejects.toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(await store.compareAndSet('k', 'b', 1)).toBe(2);
    expect((await store.get('k'))?.value).toBe('b');
  });

  it('lets exactly one of many concurrent compare-and-sets win', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.compareAndSet('race', i, 0)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await store.get('race'))?.version).toBe(1);
  });

  it('lists by prefix, sorted, and leaves no temp files behind', async () => {
    await Promise.all([store.put('frameworks/b', 2), store.put('frameworks/a', 1), store.put('agents/x', 0)]);
    expect((await store.list('frameworks/')).map((e) => [e.key, e.value])).toEqual([['frameworks/a', 1], ['frameworks/b', 2]]);
    expect(readdirSync(`${dir.path}/frameworks`).sort()).toEqual(['a.json', 'b.json']);
  });

  it('deletes, and reports whether anything was there', async () => {
    await store.put('x', 1);
    expect(await store.delete('x')).toBe(true);
    expect(await store.delete('x')).toBe(false);
    expect(await store.get('x')).toBeUndefined();
  });

  it('refuses keys that would escape its directory', async () => {
    await expect(store.put('../evil', 1)).rejects.toMatchObject({ code: 'INVALID_KEY' });
    await expect(store.put('a/../../b', 1)).rejects.toMatchObject({ code: 'INVALID_KEY' });
  });

  it('survives a new instance on the same directory (what a restart sees)', async () => {
    await store.put('frameworks/f1', { name: 'm' });
    const again = new FileStateStore(dir.path);
    expect(await again.get('frameworks/f1')).toEqual({ key: 'frameworks/f1', value: { name: 'm' }, version: 1 });
  });

  it('stores keys with segments too long for a file name, lists and deletes them, and keeps them apart', async () => {
    const long = 'a'.repeat(5000);
    const other = 'a'.repeat(4999) + 'b'; // same prefix: the hash keeps them apart
    await store.put(`apps/${long}`, 1);
    await store.put(`apps/${other}`, 2);
    await store.put(`app-versions/${long}/v1`, 3);
    const again = new FileStateStore(dir.path);
    expect((await again.get(`apps/${long}`))?.value).toBe(1);
    expect((await again.list('apps/')).map((e) => [e.key, e.value])).toEqual([[`apps/${long}`, 1], [`apps/${other}`, 2]]);
    expect((await again.list(`app-versions/${long}/`)).map((e) => e.key)).toEqual([`app-versions/${long}/v1`]);
    expect(await again.delete(`apps/${long}`)).toBe(true);
    expect(await again.list('apps/')).toHaveLength(1);
    for (const f of readdirSync(`${dir.path}/apps`)) expect(Buffer.byteLength(f)).toBeLessThan(200);
  });

  it('refuses a key whose path would pass the file system limit, with a clear error', async () => {
    const key = Array.from({ length: 40 }, () => 'x'.repeat(150)).join('/');
    await expect(store.put(key, 1)).rejects.toMatchObject({ code: 'INVALID_KEY', status: 400 });
  });
});
