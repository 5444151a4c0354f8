import type { Etcd3 } from 'etcd3';
import { silentLogger } from '../log';
import { ManualClock } from '../time';
import { tmpDir } from '../testing/tmp-dir';
import { waitFor } from '../testing/wait-for';
import { connectEtcd } from './etcd-client';
import { EtcdCluster } from './etcd-cluster';
import { LeaderWatch, candidates } from './leader-watch';
import { workerLease } from './kept-lease';
import { EtcdStateStore } from './etcd-store';
import { Leadership, type LeadershipOptions } from './leadership';

let dir: ReturnType<typeof tmpDir>;
let etcd: EtcdCluster;
let client: Etcd3;
let n = 0;
const running: Leadership[] = [];
beforeAll(async () => {
  dir = tmpDir('strata-leadership-');
  etcd = await EtcdCluster.start({ members: 1, dir: dir.path });
  client = connectEtcd(etcd.endpoints);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((l) => l.stop()));
});
afterAll(async () => {
  client?.close();
  await etcd?.stop();
  dir?.remove();
});

function candidate(election: string, id: string, opts: Partial<LeadershipOptions> = {}): Leadership {
  const l = new Leadership({ client, election, self: { id, address: `${id}:5050` }, ttlSeconds: 1, log: silentLogger(), ...opts });
  running.push(l);
  l.start();
  return l;
}

const leaders = (ls: Leadership[]) => ls.filter((l) => l.isLeader()).length;

describe('Leadership on etcd', () => {
  it.each(['thread', 'worker'])('elects exactly one of three candidates, and another within a round trip when it resigns (lease kept by a %s)', async (kind) => {
    const election = `e/${++n}/`;
    const leases = kind === 'worker' ? workerLease(etcd.endpoints) : undefined;
    // A long TTL: the takeover must come from the revoked lease, well before a TTL could run out (no timing on the edge of one).
    const ls = ['a', 'b', 'c'].map((id) => candidate(election, id, { leases, ttlSeconds: 10 }));
    // Three worker threads each load an etcd client first: seconds on a busy two-core machine (CI ran out of 5 s once).
    await waitFor(() => leaders(ls) === 1, { what: 'a leader', timeoutMs: 15_000 });
    const first = ls.find((l) => l.isLeader())!;
    const deposed = new Promise<string>((r) => first.once('deposed', r));
    const t0 = Date.now();
    await first.resign();
    expect(await deposed).toBe('resigned');
    await waitFor(() => ls.some((l) => l !== first && l.isLeader()), { what: 'a new leader', intervalMs: 5 });
    // A revoked lease frees the key at once: no waiting out the TTL (nor the TTL's recheck).
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(leaders(ls)).toBe(1);
  }, 20_000);

  it('never has two leaders at once while candidates come and go', async () => {
    const election = `e/${++n}/`;
    const ls = ['a', 'b', 'c'].map((id) => candidate(election, id));
    let overlap = 0;
    const sample = setInterval(() => leaders(ls) > 1 && overlap++, 2);
    for (let i = 0; i < 4; i++) {
      await waitFor(() => leaders(ls) === 1, { what: `leader ${i}` });
      await ls.find((l) => l.isLeader())!.resign();
    }
    clearInterval(sample);
    expect(overlap).toBe(0);
  });

  it('stops leading on its own as soon as its lease may have expired (a paused process), and lets the other take over', async () => {
    const election = `e/${++n}/`;
    const clock = new ManualClock(1_000_000);
    const paused = candidate(election, 'paused', { clock });
    await waitFor(() => paused.isLeader(), { what: 'paused to lead' });
    const other = candidate(election, 'other');
    // The other must be in line first: a deposed candidate campaigns again at once, at the back.
    await waitFor(async () => (await candidates(client, election)).length === 2, { what: 'the other campaigning' });
    const deposed = new Promise<string>((r) => paused.once('deposed', r));
    clock.advance(1_000); // the renewals that succeeded were all sent at t0: the lease may be over
    expect(paused.isLeader()).toBe(false);
    expect(() => paused.fence()).toThrow(/not the leader/);
    expect(await deposed).toMatch(/not renewed within its 1 s TTL/);
    await waitFor(() => other.isLeader(), { what: 'the other to lead' });
  });

  it('keeps leading through a busy event loop longer than its TTL when a worker keeps the lease (the thread-kept one is lost)', async () => {
    const election = `e/${++n}/`;
    const busy = (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until); // the master's long synchronous pass, in miniature
    };
    const kept = candidate(election, 'kept', { leases: workerLease(etcd.endpoints) });
    await waitFor(() => kept.isLeader(), { what: 'kept to lead' });
    const deposedKept: string[] = [];
    kept.on('deposed', (r) => deposedKept.push(r));
    busy(2_500);
    expect(kept.isLeader()).toBe(true);
    expect(() => kept.fence()).not.toThrow();
    await new Promise((r) => setTimeout(r, 200)); // let the watchdog and the queued renewals run
    expect(deposedKept).toEqual([]);
    expect(kept.isLeader()).toBe(true);
    await kept.stop();

    const plain = candidate(`e/${++n}/`, 'plain');
    await waitFor(() => plain.isLeader(), { what: 'plain to lead' });
    const deposedPlain = new Promise<string>((r) => plain.once('deposed', r));
    busy(2_500);
    expect(plain.isLeader()).toBe(false);
    expect(await deposedPlain).toMatch(/not renewed within its 1 s TTL/);
  }, 20_000); // two elections and two 2.5 s stalls: past jest's default 5 s on its own

  it.each(['thread', 'worker'])('loses leadership when etcd loses its quorum, says why, and is elected again when it returns (lease kept by a %s)', async (kind) => {
    const d = tmpDir('strata-quorum-');
    const three = await EtcdCluster.start({ members: 3, dir: d.path });
    const c = connectEtcd(three.endpoints);
    try {
      const l = new Leadership({ client: c, election: 'q/', self: { id: 'solo', address: 's:1' }, ttlSeconds: 1, log: silentLogger(), leases: kind === 'worker' ? workerLease(three.endpoints) : undefined });
      running.push(l);
      l.start();
      await waitFor(() => l.isLeader(), { what: 'elected' });
      // One member of three lost: the lease keeps being renewed.
      await three.kill(2);
      const lostOne = Date.now();
      await waitFor(() => Date.now() - lostOne > 2_500, { intervalMs: 100 });
      expect(l.isLeader()).toBe(true);
      const deposed = new Promise<string>((r) => l.once('deposed', r));
      await three.kill(1);
      expect(await deposed).toMatch(/not renewed|lease lost/);
      expect(l.isLeader()).toBe(false);
      await three.restart(1, false);
      await three.restart(2, false);
      await waitFor(() => l.isLeader(), { timeoutMs: 20_000, what: 're-elected after the quorum returned' });
    } finally {
      c.close();
      await three.stop();
      d.remove();
    }
  }, 45_000);

  it('is followed from outside by a LeaderWatch, including the gap while nobody leads', async () => {
    const election = `e/${++n}/`;
    const watch = new LeaderWatch(client, election, silentLogger());
    const seen: (string | undefined)[] = [];
    watch.on('change', (l) => seen.push(l?.id));
    await watch.start();
    expect(watch.leader).toBeUndefined();
    const a = candidate(election, 'a');
    await waitFor(() => watch.leader?.id === 'a', { what: 'a seen' });
    expect(watch.leader).toEqual({ id: 'a', address: 'a:5050' });
    const b = candidate(election, 'b');
    // b's key must be there before a goes, or there is a gap with no leader between them.
    await waitFor(async () => (await candidates(client, election)).length === 2, { what: 'b campaigning' });
    await a.stop();
    await waitFor(() => watch.leader?.id === 'b', { what: 'b seen' });
    await b.stop();
    await waitFor(() => seen.length >= 3 && watch.leader === undefined, { what: 'nobody' });
    expect(seen).toEqual(['a', 'b', undefined]);
    await watch.stop();
  });

  it("keeps a term's writes to that term: re-elected, the candidate's old term writes nothing and no longer acts", async () => {
    const election = `e/${++n}/`;
    const a = candidate(election, 'a');
    await waitFor(() => a.isLeader(), { what: 'a to lead' });
    const first = a.currentTerm();
    const firstStore = new EtcdStateStore(client, { prefix: `store/${n}/`, fence: first.fence });
    await firstStore.put('k', 'first');
    await a.resign();
    await waitFor(() => a.isLeader(), { what: 'a to lead again' });
    const second = a.currentTerm();
    expect(first.acting()).toBe(false);
    expect(second.acting()).toBe(true);
    // The same candidate leads, but the first term's queued or late writes must not land over what the second loaded.
    await expect(firstStore.put('k', 'stale')).rejects.toMatchObject({ code: 'NOT_LEADER' });
    const secondStore = new EtcdStateStore(client, { prefix: `store/${n}/`, fence: second.fence });
    await secondStore.put('k', 'second');
    expect((await secondStore.get('k'))?.value).toBe('second');
    expect(() => first.fence()).toThrow(/term .* has ended/);
  });

  it('takes over when its predecessor goes even if its watch never answers (a watch on a member cut off by a partition)', async () => {
    const election = `e/${++n}/`;
    const a = candidate(election, 'a');
    await waitFor(() => a.isLeader(), { what: 'a to lead' });
    // b's own client, whose watches are created and never heard from again.
    const silent = connectEtcd(etcd.endpoints);
    const watch = silent.watch.bind(silent);
    jest.spyOn(silent, 'watch').mockImplementation(() => {
      const builder = watch();
      builder.create = () => new Promise(() => undefined);
      return builder;
    });
    const b = candidate(election, 'b', { client: silent });
    await waitFor(async () => (await candidates(client, election)).length === 2, { what: 'b campaigning' });
    await a.stop();
    await waitFor(() => b.isLeader(), { what: 'b to lead without its watch', timeoutMs: 5_000 });
    await b.stop();
    silent.close();
  });

  it('sees a new leader even when its watch goes silent (reread on its own)', async () => {
    const election = `e/${++n}/`;
    const watch = new LeaderWatch(client, election, silentLogger(), 200);
    await watch.start();
    (watch as unknown as { watcher: { removeAllListeners(): void } }).watcher.removeAllListeners(); // no event reaches it any more
    const a = candidate(election, 'a');
    await waitFor(() => watch.leader?.id === 'a', { what: 'a seen without a watch event', timeoutMs: 5_000 });
    await a.stop();
    await waitFor(() => watch.leader === undefined, { what: 'nobody seen', timeoutMs: 5_000 });
    await watch.stop();
  });
});
