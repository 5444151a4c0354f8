import type { Etcd3 } from 'etcd3';
import { silentLogger } from '../log';
import { tmpDir } from '../testing/tmp-dir';
import { waitFor } from '../testing/wait-for';
import { stateStoreContract } from '../state/state-store.contract';
import { connectEtcd } from './etcd-client';
import { EtcdCluster } from './etcd-cluster';
import { EtcdStateStore } from './etcd-store';
import { Leadership } from './leadership';

// A real etcd (Debian's etcd-server): EtcdCluster.start throws a clear error when it is missing.
let dir: ReturnType<typeof tmpDir>;
let etcd: EtcdCluster;
let client: Etcd3;
let n = 0;
beforeAll(async () => {
  dir = tmpDir('strata-etcd-store-');
  etcd = await EtcdCluster.start({ members: 1, dir: dir.path });
  client = connectEtcd(etcd.endpoints);
});
afterAll(async () => {
  client?.close();
  await etcd?.stop();
  dir?.remove();
});

describe('EtcdStateStore: the StateStore contract', () => {
  stateStoreContract(async () => {
    const prefix = `test/${++n}/`;
    return { store: new EtcdStateStore(client, { prefix }), reopen: () => new EtcdStateStore(connectEtcd(etcd.endpoints), { prefix }) };
  });
});

describe('EtcdStateStore', () => {
  const fresh = (opts: Partial<ConstructorParameters<typeof EtcdStateStore>[1]> = {}) => new EtcdStateStore(client, { prefix: `unit/${++n}/`, ...opts });

  it('refuses a value over its limit with a clear error, and writes nothing', async () => {
    const store = fresh({ maxValueBytes: 100 });
    await expect(store.put('big', 'x'.repeat(200))).rejects.toMatchObject({ code: 'VALUE_TOO_LARGE', status: 413, message: expect.stringMatching(/'big' is 202 bytes; the etcd store takes at most 100/) });
    await expect(store.compareAndSet('big', 'x'.repeat(200), 0)).rejects.toMatchObject({ code: 'VALUE_TOO_LARGE' });
    expect(await store.get('big')).toBeUndefined();
  });

  it('lists past one page, in order', async () => {
    const store = fresh({ pageSize: 3 });
    const keys = Array.from({ length: 10 }, (_, i) => `agents/a${String(i).padStart(2, '0')}`);
    await Promise.all(keys.map((k, i) => store.put(k, i)));
    expect((await store.list('agents/')).map((e) => e.key)).toEqual(keys);
  });

  it('sends the writes of one turn together, in order: 300 puts in 3 transactions, a key written twice ends with its last value', async () => {
    const store = fresh();
    const txn = client.kv.txn.bind(client.kv);
    let calls = 0;
    const spy = jest.spyOn(client.kv, 'txn').mockImplementation((req, opts) => {
      calls++;
      return txn(req, opts);
    });
    try {
      const writes = Array.from({ length: 300 }, (_, i) => store.put(`many/k${i}`, i));
      const again = store.put('many/k7', 'last');
      const gone = store.delete('many/k8');
      expect(await Promise.all(writes)).toEqual(Array(300).fill(1));
      expect(await again).toBe(2);
      expect(await gone).toBe(true);
      expect(calls).toBeLessThanOrEqual(4);
      expect((await store.get('many/k7'))?.value).toBe('last');
      expect(await store.get('many/k8')).toBeUndefined();
      expect(await store.list('many/')).toHaveLength(299);
    } finally {
      spy.mockRestore();
    }
  });

  it('lets no late copy of an earlier write land over a newer one (a write etcd3 retried elsewhere, its first copy held up in a partition)', async () => {
    const store = fresh();
    const sent: Parameters<Etcd3['kv']['txn']>[0][] = [];
    const txn = client.kv.txn.bind(client.kv);
    const spy = jest.spyOn(client.kv, 'txn').mockImplementation((req, opts) => {
      sent.push(req);
      return txn(req, opts);
    });
    try {
      await store.put('runs/r1', { state: 'queued' }); // a new key
      await store.put('runs/r1', { state: 'launching' });
      await store.put('runs/r1', { state: 'finished' });
      await store.delete('runs/r2'); // never there
    } finally {
      spy.mockRestore();
    }
    // Each copy delivered again, as the member that was cut off would take it when the partition heals.
    for (const req of sent.slice(0, 2)) expect((await client.kv.txn(req)).succeeded).toBe(false);
    expect((await store.get('runs/r1'))?.value).toEqual({ state: 'finished' });
    await store.put('runs/r2', 'made since');
    expect((await client.kv.txn(sent[3]!)).succeeded).toBe(false); // a late delete does not remove what was written since
    expect((await store.get('runs/r2'))?.value).toBe('made since');
  });

  it('writes over a key another writer moved since it last saw it (learnt from the refusal, then written again)', async () => {
    const a = fresh();
    const b = new EtcdStateStore(client, { prefix: `unit/${n}/` });
    expect(await a.put('k', 'a1')).toBe(1);
    expect(await b.put('k', 'b1')).toBe(2); // b never saw k: it learns it is there
    expect(await a.put('k', 'a2')).toBe(3); // a saw it at a1
    expect(await b.delete('k')).toBe(true);
    expect(await a.put('k', 'a3')).toBe(1);
    expect((await b.get('k'))?.value).toBe('a3');
    expect(await b.list('')).toHaveLength(1);
  });

  it('refuses an empty key', async () => {
    await expect(fresh().put('', 1)).rejects.toMatchObject({ code: 'INVALID_KEY' });
  });

  it('writes through a fence only while the fence holds, and a stale fence is refused by etcd itself', async () => {
    const election = `fence/${++n}/`;
    const leader = new Leadership({ client, election, self: { id: 'a', address: 'a:1' }, ttlSeconds: 2, log: silentLogger() });
    const elected = new Promise<void>((r) => leader.once('elected', r));
    leader.start();
    await elected;
    const prefix = `fenced/${n}/`;
    const store = new EtcdStateStore(client, { prefix, fence: () => leader.fence() });
    expect(await store.put('agents/a1', { ok: true })).toBe(1);
    // A fence taken while leading, used after the term ended (a write that was in flight across a pause).
    const stale = leader.fence();
    await leader.resign();
    await expect(store.put('agents/a1', { ok: false })).rejects.toMatchObject({ code: 'NOT_LEADER', status: 503 });
    const late = new EtcdStateStore(client, { prefix, fence: () => stale });
    await expect(late.put('agents/a1', { ok: false })).rejects.toMatchObject({ code: 'NOT_LEADER' });
    await expect(late.compareAndSet('agents/a1', { ok: false }, 1)).rejects.toMatchObject({ code: 'NOT_LEADER' });
    await expect(late.delete('agents/a1')).rejects.toMatchObject({ code: 'NOT_LEADER' });
    expect((await new EtcdStateStore(client, { prefix }).get('agents/a1'))?.value).toEqual({ ok: true });
    await leader.stop();
  });

  it('fails a write with STATE_WRITE_FAILED, not a hang, when etcd is gone', async () => {
    const solo = tmpDir('strata-etcd-gone-');
    const lone = await EtcdCluster.start({ members: 1, dir: solo.path });
    const c = connectEtcd(lone.endpoints);
    try {
      const store = new EtcdStateStore(c, { prefix: 'p/' });
      await store.put('a', 1);
      await lone.kill(0);
      await expect(store.put('a', 2)).rejects.toMatchObject({ code: 'STATE_WRITE_FAILED', status: 503 });
      await expect(store.get('a')).rejects.toMatchObject({ code: 'STATE_READ_FAILED' });
      await lone.restart(0);
      expect(await waitFor(async () => (await store.get<number>('a'))?.value, { timeoutMs: 15_000, what: 'the store back' })).toBe(1);
    } finally {
      c.close();
      await lone.stop();
      solo.remove();
    }
  }, 40_000);
});
