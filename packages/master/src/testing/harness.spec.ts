import { MemoryStateStore } from '@strata/lib/testing';
import { agentInfo, framework, reportedTask } from './fixtures';
import { MasterHarness, updatesIn } from './harness';

const task = reportedTask;

/** A master that admitted one agent and one framework, and its state store: what a restarted master starts from. */
async function admitted() {
  const store = new MemoryStateStore();
  const first = await MasterHarness.start({ store });
  const { agentId } = await first.registerAgent({ agentInfo: agentInfo() });
  const { frameworkId } = await first.subscribe(framework());
  return { store, agentId, frameworkId };
}

describe('a restarted master (in-process harness)', () => {
  it('keeps the tasks an agent brings back while a SUBSCRIBE is still writing (the race that doubled every Marathon app)', async () => {
    const { store, agentId, frameworkId } = await admitted();
    const master = await MasterHarness.start({ store });
    const release = store.hold();
    const subscribing = master.subscribe(framework(frameworkId));
    const reregistering = master.reregisterAgent({ agentInfo: agentInfo(agentId), frameworks: [framework(frameworkId)], tasks: [task(frameworkId, agentId, 't1'), task(frameworkId, agentId, 't2')] });
    release();
    const [{ outbox }] = await Promise.all([subscribing, reregistering]);
    master.call(frameworkId, { type: 'RECONCILE', reconcile: { tasks: [{ taskId: { value: 't1' }, agentId: { value: agentId } }, { taskId: { value: 't2' }, agentId: { value: agentId } }] } });
    expect(updatesIn(outbox).map((u) => [u.taskId, u.state, u.message])).toEqual([
      ['t1', 'TASK_RUNNING', 'Reconciliation: Latest task state'],
      ['t2', 'TASK_RUNNING', 'Reconciliation: Latest task state'],
    ]);
  });

  it('writes nothing for an agent that comes back as it was, and writes the agent whose info changed', async () => {
    const { store, agentId, frameworkId } = await admitted();
    const versions = async () => Object.fromEntries((await store.list('')).map((e) => [e.key, e.version]));
    const master = await MasterHarness.start({ store });
    const before = await versions();
    // The decoded request carries fields the stored info (read back from JSON) does not: the same info all the same.
    await master.reregisterAgent({ agentInfo: { ...agentInfo(agentId), attributes: [], capabilities: [] }, frameworks: [framework(frameworkId)], tasks: [task(frameworkId, agentId, 't1')] });
    expect(await versions()).toEqual(before);
    const restarted = await MasterHarness.start({ store });
    await restarted.reregisterAgent({ agentInfo: { ...agentInfo(agentId), hostname: 'elsewhere' }, frameworks: [framework(frameworkId)], tasks: [] });
    const after = await versions();
    const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain(agentId);
  });

  it('gives no reconciliation answer for a task on an admitted agent that has not reregistered, and the real state once it has', async () => {
    const { store, agentId, frameworkId } = await admitted();
    const master = await MasterHarness.start({ store });
    const { outbox } = await master.subscribe(framework(frameworkId));
    master.call(frameworkId, { type: 'RECONCILE', reconcile: { tasks: [{ taskId: { value: 't1' }, agentId: { value: agentId } }] } });
    expect(updatesIn(outbox)).toEqual([]);
    await master.reregisterAgent({ agentInfo: agentInfo(agentId), frameworks: [framework(frameworkId)], tasks: [task(frameworkId, agentId, 't1')] });
    master.call(frameworkId, { type: 'RECONCILE', reconcile: { tasks: [{ taskId: { value: 't1' }, agentId: { value: agentId } }] } });
    expect(updatesIn(outbox).map((u) => [u.taskId, u.state])).toEqual([['t1', 'TASK_RUNNING']]);
  });

  it('answers TASK_GONE for a task its reregistered agent does not have, and TASK_UNKNOWN on an agent it never admitted', async () => {
    const { store, agentId, frameworkId } = await admitted();
    const master = await MasterHarness.start({ store });
    const { outbox } = await master.subscribe(framework(frameworkId));
    await master.reregisterAgent({ agentInfo: agentInfo(agentId), frameworks: [framework(frameworkId)], tasks: [] });
    master.call(frameworkId, { type: 'RECONCILE', reconcile: { tasks: [{ taskId: { value: 'gone' }, agentId: { value: agentId } }, { taskId: { value: 'nowhere' }, agentId: { value: 'no-such-agent' } }] } });
    expect(updatesIn(outbox).map((u) => [u.taskId, u.state, u.reason])).toEqual([
      ['gone', 'TASK_GONE', 'REASON_RECONCILIATION'],
      ['nowhere', 'TASK_UNKNOWN', 'REASON_RECONCILIATION'],
    ]);
  });

  it('kills, on reregistration, a task whose framework the master has removed', async () => {
    const { store, agentId } = await admitted();
    const master = await MasterHarness.start({ store });
    const outbox = await master.reregisterAgent({ agentInfo: agentInfo(agentId), frameworks: [], tasks: [task('unknown-framework', agentId, 'orphan')] });
    expect(outbox.sent.filter((m) => m.killTask).map((m) => m.killTask!.taskId!.value)).toEqual(['orphan']);
  });
});

describe('timers on the manual clock (in-process harness)', () => {
  const launchOne = async (h: MasterHarness, frameworkId: string, outbox: Parameters<MasterHarness['offers']>[0], taskId: string) => {
    const [offer] = await h.offers(outbox);
    h.call(frameworkId, {
      type: 'ACCEPT',
      accept: { offerIds: [offer!.id!], operations: [{ type: 'LAUNCH', launch: { taskInfos: [{ name: taskId, taskId: { value: taskId }, agentId: offer!.agentId!, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }, { name: 'mem', type: 'SCALAR', scalar: { value: 32 } }], command: { value: 'sleep 1000', shell: true } }] } }] },
    });
  };

  it('removes a disconnected framework when its failover timeout passes, not before, and shuts it down on its agents', async () => {
    const h = await MasterHarness.start({ timers: true });
    try {
      const { agentId, outbox: agent } = await h.registerAgent({ agentInfo: agentInfo() });
      const { frameworkId, outbox } = await h.subscribe({ ...framework(), failoverTimeout: 10 });
      await launchOne(h, frameworkId, outbox, 'task-1');
      expect(agent.sent.some((m) => m.launchTasks?.tasks?.some((t) => t.taskId?.value === 'task-1'))).toBe(true);
      h.master.frameworkDisconnected(frameworkId, outbox);
      h.clock.advance(9_999);
      expect(agent.sent.some((m) => m.shutdownFramework)).toBe(false);
      h.clock.advance(2);
      expect(agent.sent.filter((m) => m.shutdownFramework).map((m) => m.shutdownFramework!.frameworkId!.value)).toEqual([frameworkId]);
      // Gone for good: it may not resubscribe with that id.
      await expect(h.subscribe(framework(frameworkId))).rejects.toMatchObject({ code: 'UNKNOWN_FRAMEWORK' });
      expect(agentId).toBeTruthy();
    } finally {
      h.stop();
    }
  });

  it('rescinds an offer left unanswered past the offer timeout', async () => {
    // Pings far apart: the agent, which answers none here, stays reachable.
    const h = await MasterHarness.start({ timers: true, config: { offerTimeoutMs: 30_000, agentPingIntervalMs: 600_000 } });
    try {
      await h.registerAgent({ agentInfo: agentInfo() });
      const { outbox } = await h.subscribe(framework());
      const [offer] = await h.offers(outbox);
      h.clock.advance(29_000);
      expect(outbox.sent.some((e) => e.type === 'RESCIND')).toBe(false);
      h.clock.advance(2_000);
      expect(outbox.sent.filter((e) => e.type === 'RESCIND').map((e) => e.rescind!.offerId!.value)).toEqual([offer!.id!.value]);
    } finally {
      h.stop();
    }
  });

  it('marks a silent agent unreachable after the missed pings, and brings its tasks back when it reregisters', async () => {
    const h = await MasterHarness.start({ timers: true, config: { agentPingIntervalMs: 5_000, maxMissedPings: 3 } });
    try {
      const { agentId } = await h.registerAgent({ agentInfo: agentInfo() });
      const { frameworkId, outbox } = await h.subscribe(framework());
      await launchOne(h, frameworkId, outbox, 'task-u');
      h.master.agentMessage(agentId, { statusUpdate: { frameworkId: { value: frameworkId }, status: { taskId: { value: 'task-u' }, state: 'TASK_RUNNING', uuid: Buffer.from('0123456789abcdef') } } } as never);
      await h.settle();
      h.clock.advance(10_000); // two intervals of silence: still reachable
      expect(updatesIn(outbox).some((u) => u.state === 'TASK_UNREACHABLE')).toBe(false);
      h.clock.advance(10_000);
      expect(updatesIn(outbox).filter((u) => u.state === 'TASK_UNREACHABLE').map((u) => u.taskId)).toEqual(['task-u']);
      await h.reregisterAgent({ agentInfo: agentInfo(agentId), frameworks: [framework(frameworkId)], tasks: [task(frameworkId, agentId, 'task-u')] });
      expect(updatesIn(outbox).filter((u) => u.reason === 'REASON_AGENT_REREGISTERED').map((u) => [u.taskId, u.state])).toEqual([['task-u', 'TASK_RUNNING']]);
    } finally {
      h.stop();
    }
  });
});
