import { readdirSync } from 'node:fs';
import { tmpDir } from '../testing/tmp-dir';
import { FileStateStore } from './file-store';
import { stateStoreContract } from './state-store.contract';

describe('FileStateStore: the StateStore contract', () => {
  let dir: ReturnType<typeof tmpDir>;
  stateStoreContract(
    async () => {
      dir = tmpDir();
      return { store: new FileStateStore(dir.path), reopen: () => new FileStateStore(dir.path) };
    },
    () => dir.remove(),
    { instancesShareWrites: false },
  );
});

describe('FileStateStore', () => {
  let dir: ReturnType<typeof tmpDir>;
  let store: FileStateStore;
  beforeEach(() => {
    dir = tmpDir();
    store = new FileStateStore(dir.path);
  });
  afterEach(() => dir.remove());

  it('keeps one JSON file per key and no temp files', async () => {
    await Promise.all([store.put('frameworks/b', 2), store.put('frameworks/a', 1), store.put('agents/x', 0)]);
    expect(readdirSync(`${dir.path}/frameworks`).sort()).toEqual(['a.json', 'b.json']);
  });

  it('refuses keys that would escape its directory', async () => {
    await expect(store.put('../evil', 1)).rejects.toMatchObject({ code: 'INVALID_KEY' });
    await expect(store.put('a/../../b', 1)).rejects.toMatchObject({ code: 'INVALID_KEY' });
  });

  it('shortens segments too long for a file name', async () => {
    await store.put(`apps/${'a'.repeat(5000)}`, 1);
    for (const f of readdirSync(`${dir.path}/apps`)) expect(Buffer.byteLength(f)).toBeLessThan(200);
  });

  it('refuses a key whose path would pass the file system limit, with a clear error', async () => {
    const key = Array.from({ length: 40 }, () => 'x'.repeat(150)).join('/');
    await expect(store.put(key, 1)).rejects.toMatchObject({ code: 'INVALID_KEY', status: 400 });
  });
});
