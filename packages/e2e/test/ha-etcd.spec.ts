import { connectEtcd, clusterKeys } from '@strata/lib/ha';
import { waitFor } from '@strata/lib/testing';
import { ChronosProcess, HaCluster, MarathonProcess, isAlive, pidsOfTask } from '../src';

jest.setTimeout(180_000);


/** Which etcd member leads etcd's own raft (its /v2 stats say; /metrics' etcd_server_is_leader). */
async function etcdLeaderIndex(c: HaCluster): Promise<number> {
  for (let i = 0; i < c.etcd.members.length; i++) {
    const text = await (await fetch(`${c.etcd.members[i]!.clientUrl}/metrics`)).text();
    if (/^etcd_server_is_leader 1$/m.test(text)) return i;
  }
  throw new Error('no etcd member says it leads');
}

/**
 * etcd degraded: one member of three lost changes nothing; all three down for 10 s takes every
 * leader down (tasks keep running on the agents), and when etcd is back everything is as it was.
 */
describe('the cluster when etcd degrades', () => {
  let c: HaCluster;
  let m: MarathonProcess;
  let ch: ChronosProcess;
  afterAll(async () => {
    await m?.stop();
    await ch?.stop();
    await c?.stop();
  });

  it('loses one etcd member without a leader change, and all three for 10 s without losing a task, an app, a job or a reservation', async () => {
    c = await HaCluster.start({ masters: 3, agents: 1, resources: 'cpus:4;mem:4096;ports:[31000-31200]' });
    m = await MarathonProcess.start(c, c.haArgs);
    ch = await ChronosProcess.start(c, c.haArgs);
    await waitFor(async () => (await m.call('GET', '/v2/info')).body?.frameworkId, { what: 'marathon subscribed' });
    // Elected and serving (before that a lone instance answers 503: nobody leads yet).
    await waitFor(async () => (await ch.call('GET', '/jobs')).status === 200, { what: 'chronos leading' });
    expect((await m.call('POST', '/v2/apps', { id: '/keep', cmd: 'sleep 100000', cpus: 0.1, mem: 16, instances: 2 })).status).toBe(201);
    expect((await ch.call('POST', '/iso8601', { name: 'nightly', command: 'true', schedule: 'R/2030-01-01T00:00:00Z/P1D', cpus: 0.1, mem: 16 })).status).toBe(204);
    const agentId = (await c.state()).slaves[0]!.id;
    const reserve = await fetch(`http://${c.masterAt(await c.leader())}/master/reserve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ slaveId: agentId, resources: JSON.stringify([{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: [{ type: 'DYNAMIC', role: 'db' }] }]) }).toString(),
    });
    expect(reserve.status).toBe(202);
    const etcd = connectEtcd(c.etcd.endpoints);
    await waitFor(async () => (await etcd.get(`${clusterKeys(c.name).store('master')}reservations/${agentId}`).exists()), { what: 'the reservation in the registry' });
    etcd.close();
    const tasks = async () => ((await m.call('GET', '/v2/apps/keep/tasks')).body.tasks as { id: string; state: string }[]).filter((t) => t.state === 'TASK_RUNNING').map((t) => t.id).sort();
    const ids = await waitFor(async () => {
      const t = await tasks();
      return t.length === 2 ? t : undefined;
    }, { what: 'two tasks running', timeoutMs: 30_000 });
    const pids = ids.flatMap((id) => pidsOfTask(id));
    expect(pids.length).toBeGreaterThanOrEqual(2);

    // One member of three lost (the one etcd elected its leader, the harder case): the same
    // master leads at every sample it answers, for three lease lengths.
    const leader = await c.leader();
    const etcdLeader = await etcdLeaderIndex(c);
    await c.etcd.kill(etcdLeader);
    const until = Date.now() + 6_000;
    let samples = 0;
    while (Date.now() < until) {
      const h = await c.health(leader);
      if (h) {
        expect(h.leading).toBe(true);
        samples++;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(samples).toBeGreaterThan(20);
    expect(await c.leader()).toBe(leader);
    expect((await m.call('GET', '/v2/apps/keep')).status).toBe(200);
    await c.etcd.restart(etcdLeader);

    // All three down for 10 s: every leader steps down and says why; the tasks run on.
    const since = c.masters.map((x) => x.logs.length);
    await c.etcd.stop();
    await waitFor(async () => (await Promise.all([0, 1, 2].map((i) => c.health(i)))).every((h) => h && !h.leading), { what: 'every master to step down', timeoutMs: 10_000 });
    const why = c.masters[leader]!.logs.slice(since[leader]).find((l) => l.msg === 'no longer the leading master: standing by');
    expect(String(why?.reason)).toMatch(/not renewed|lease lost/);
    await waitFor(async () => (await m.call('GET', '/v2/leader')).status === 404 || (await m.call('GET', '/v2/apps')).status === 503, { what: 'marathon to step down', timeoutMs: 10_000 });
    const down = Date.now();
    while (Date.now() - down < 10_000) {
      expect(pids.every(isAlive)).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
    }
    for (let i = 0; i < 3; i++) await c.etcd.restart(i, false);
    await c.etcd.waitAllHealthy();

    // Leaders are back, and nothing is lost: the same two tasks, the app, the job, the reservation.
    await c.leader({ timeoutMs: 30_000 });
    await waitFor(async () => (await m.call('GET', '/v2/info')).body?.frameworkId, { what: 'marathon leading again', timeoutMs: 30_000 });
    await waitFor(async () => JSON.stringify(await tasks()) === JSON.stringify(ids), { what: 'the same two tasks', timeoutMs: 30_000 });
    expect(pids.every(isAlive)).toBe(true);
    await waitFor(async () => (await ch.call('GET', '/jobs')).status === 200, { what: 'chronos leading again', timeoutMs: 30_000 });
    expect(((await ch.call('GET', '/jobs')).body as { name: string }[]).map((j) => j.name)).toEqual(['nightly']);
    await waitFor(async () => (await c.state()).slaves.filter((s) => s.active).length === 1, { what: 'the agent back', timeoutMs: 30_000 });
    expect(((await c.state()).slaves[0] as unknown as { reserved_resources: Record<string, { cpus: number }> }).reserved_resources.db).toMatchObject({ cpus: 1 });
  });
});
