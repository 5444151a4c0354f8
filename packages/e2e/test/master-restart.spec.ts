import { waitFor } from '@strata/lib/testing';
import { ChronosProcess, LocalCluster, MarathonProcess } from '../src';

jest.setTimeout(180_000);

/**
 * Master, agent and Marathon as separate processes: SIGKILL and restart of the master, five times
 * in a row, must leave the same task ids running, with the agent, the master and Marathon in
 * agreement, and no task on the agent that nothing tracks (Mesos: a task on an agent that has
 * not reregistered since failover gets no reconciliation answer until it does).
 */
describe('a master restart under Marathon', () => {
  let cluster: LocalCluster;
  let m: MarathonProcess;
  let agentHttp = '';
  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:4;mem:4096;ports:[31000-31100]' });
    agentHttp = `127.0.0.1:${(cluster.agents[0]!.logs.find((l) => l.msg === 'agent listening') as { port: number }).port}`;
    m = await MarathonProcess.start(cluster);
  });
  afterAll(async () => {
    await m?.stop();
    await cluster?.stop();
  });

  const marathonTasks = async () => ((await m.call('GET', '/v2/apps/five/tasks')).body.tasks as { id: string; state: string }[]).filter((t) => t.state === 'TASK_RUNNING').map((t) => t.id).sort();
  const agentTasks = async () => {
    const s = (await (await fetch(`http://${agentHttp}/state`)).json()) as { frameworks: { executors?: { tasks: { id: string; state: string }[] }[]; tasks?: { id: string; state: string }[] }[] };
    const ids: string[] = [];
    for (const fw of s.frameworks) {
      for (const t of fw.tasks ?? []) if (t.state === 'TASK_RUNNING') ids.push(t.id);
      for (const e of fw.executors ?? []) for (const t of e.tasks) if (t.state === 'TASK_RUNNING') ids.push(t.id);
    }
    return ids.sort();
  };
  const masterTasks = async () => (await cluster.state()).frameworks.flatMap((f) => f.tasks).filter((t) => t.state === 'TASK_RUNNING').map((t) => t.id).sort();

  it('keeps the same five tasks through five SIGKILLs of the master', async () => {
    expect((await m.call('POST', '/v2/apps', { id: '/five', cmd: 'sleep 100000', cpus: 0.1, mem: 16, instances: 5 })).status).toBe(201);
    await waitFor(async () => (await marathonTasks()).length === 5 && (await m.deployments()).length === 0, { what: 'five running', timeoutMs: 30_000 });
    const ids = await marathonTasks();
    expect(await agentTasks()).toEqual(ids);
    for (let round = 1; round <= 5; round++) {
      await cluster.master.stop('SIGKILL');
      await cluster.restartMaster();
      await waitFor(async () => JSON.stringify(await masterTasks()) === JSON.stringify(ids), { what: `round ${round}: the master knows the same five`, timeoutMs: 30_000 }).catch(async (e) => {
        throw new Error(`${e.message}: ${JSON.stringify({ ids, master: await masterTasks(), agent: await agentTasks() })}`);
      });
      // Give Marathon's reconciliation its answers, then all three must agree on exactly the original five.
      await waitFor(async () => (await m.call('GET', '/v2/info')).body.frameworkId && (await cluster.state()).frameworks.some((f) => f.name === 'marathon' && f.tasks.length === 5), { what: `round ${round}: marathon resubscribed` });
      await waitFor(async () => JSON.stringify(await marathonTasks()) === JSON.stringify(ids) && JSON.stringify(await agentTasks()) === JSON.stringify(ids), { what: `round ${round}: marathon and agent agree`, timeoutMs: 30_000 }).catch(async (e) => {
        throw new Error(`${e.message}: ${JSON.stringify({ ids, marathon: await marathonTasks(), agent: await agentTasks(), master: await masterTasks() })}`);
      });
      const queued = (await m.call('GET', '/v2/queue')).body.queue as unknown[];
      expect(queued).toEqual([]);
      expect((await m.call('GET', '/v2/apps/five/tasks')).body.tasks).toHaveLength(5);
    }
  });

  it('keeps the result of a Chronos run that was in flight when the master died', async () => {
    const c = await ChronosProcess.start(cluster);
    try {
      expect((await c.call('POST', '/iso8601', { name: 'inflight', command: 'sleep 2', schedule: 'R1//PT1H', cpus: 0.1, mem: 16 })).status).toBe(204);
      await waitFor(async () => ((await c.call('GET', '/jobs/summary')).body.jobs as { name: string; state: string }[]).find((j) => j.name === 'inflight')?.state === '1 running', { what: 'the run started', timeoutMs: 20_000 });
      await cluster.master.stop('SIGKILL');
      await cluster.restartMaster();
      await waitFor(async () => (await c.job('inflight')).successCount === 1, { what: 'the run counted as a success', timeoutMs: 30_000 });
      expect((await c.job('inflight')).errorCount).toBe(0);
      expect((await c.history('inflight')).map((h) => h.status)).toEqual(['success']);
    } finally {
      await c.stop();
    }
  });
});
