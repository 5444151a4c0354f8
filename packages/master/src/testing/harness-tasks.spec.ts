import { agentInfo, framework, reportedTask } from './fixtures';
import { MasterHarness, updatesIn } from './harness';

describe('tasks and their updates (in-process harness)', () => {
  it('forwards an agent\'s update to the framework with the agent id, and the framework\'s ack to the agent', async () => {
    const h = await MasterHarness.start();
    const { agentId, outbox: agent } = await h.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId, outbox } = await h.subscribe(framework());
    await h.launch(frameworkId, outbox, 't1');
    const uuid = h.update(agentId, frameworkId, 't1', 'TASK_RUNNING');
    const update = outbox.sent.find((e) => e.type === 'UPDATE')!.update!.status!;
    expect([update.taskId!.value, update.state, update.agentId!.value]).toEqual(['t1', 'TASK_RUNNING', agentId]);
    h.call(frameworkId, { type: 'ACKNOWLEDGE', acknowledge: { agentId: { value: agentId }, taskId: { value: 't1' }, uuid } });
    const acks = agent.sent.filter((m) => m.statusUpdateAck).map((m) => [m.statusUpdateAck!.taskId!.value, Buffer.from(m.statusUpdateAck!.uuid as Uint8Array).toString()]);
    expect(acks).toEqual([['t1', uuid.toString()]]);
  });

  it('keeps health changes among a task\'s statuses (as Mesos\'s /state), once per change', async () => {
    const h = await MasterHarness.start();
    const { agentId } = await h.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId, outbox } = await h.subscribe(framework());
    await h.launch(frameworkId, outbox, 't1');
    h.update(agentId, frameworkId, 't1', 'TASK_RUNNING', { timestamp: 10 });
    h.update(agentId, frameworkId, 't1', 'TASK_RUNNING', { healthy: true, timestamp: 11 });
    h.update(agentId, frameworkId, 't1', 'TASK_RUNNING', { healthy: true, timestamp: 12 });
    h.update(agentId, frameworkId, 't1', 'TASK_RUNNING', { healthy: false, timestamp: 13 });
    const statuses = h.master.snapshot().frameworks[0]!.tasks.get('t1')!.statuses;
    expect(statuses.slice(1)).toEqual([
      { state: 'TASK_RUNNING', timestamp: 10 },
      { state: 'TASK_RUNNING', timestamp: 11, healthy: true },
      { state: 'TASK_RUNNING', timestamp: 13, healthy: false },
    ]);
  });

  it('gives a finished task\'s resources back at once (on the terminal update, not the ack)', async () => {
    const h = await MasterHarness.start();
    const { agentId } = await h.registerAgent({ agentInfo: agentInfo(undefined, 2) });
    const { frameworkId, outbox } = await h.subscribe(framework());
    await h.launch(frameworkId, outbox, 't1', 2);
    await h.settle();
    const before = outbox.sent.filter((e) => e.type === 'OFFERS').length;
    h.update(agentId, frameworkId, 't1', 'TASK_FINISHED');
    await h.settle();
    expect(outbox.sent.filter((e) => e.type === 'OFFERS').length).toBe(before + 1);
    expect(h.master.snapshot().frameworks[0]!.completed.map((t) => [t.id, t.state])).toEqual([['t1', 'TASK_FINISHED']]);
  });

  it('answers implicit reconciliation with every live task, and explicit with the named ones (completed ones too)', async () => {
    const h = await MasterHarness.start();
    const { agentId } = await h.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId, outbox } = await h.subscribe(framework());
    for (const id of ['a', 'b', 'c']) {
      await h.launch(frameworkId, outbox, id, 1, 0);
      await h.settle();
    }
    h.update(agentId, frameworkId, 'a', 'TASK_RUNNING');
    h.update(agentId, frameworkId, 'c', 'TASK_FAILED');
    outbox.sent.length = 0;
    h.call(frameworkId, { type: 'RECONCILE', reconcile: {} });
    expect(updatesIn(outbox).map((u) => [u.taskId, u.state, u.reason])).toEqual([
      ['a', 'TASK_RUNNING', 'REASON_RECONCILIATION'],
      ['b', 'TASK_STAGING', 'REASON_RECONCILIATION'],
    ]);
    outbox.sent.length = 0;
    h.call(frameworkId, { type: 'RECONCILE', reconcile: { tasks: [{ taskId: { value: 'c' } }] } });
    expect(updatesIn(outbox).map((u) => [u.taskId, u.state])).toEqual([['c', 'TASK_FAILED']]);
  });

  it('sends KILL of a known task to its agent with the task\'s kill policy, and answers KILL of an unknown one as its reconciliation (Mesos)', async () => {
    const h = await MasterHarness.start();
    const { outbox: agent } = await h.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId, outbox } = await h.subscribe(framework());
    const { agentId } = await h.launch(frameworkId, outbox, 't1');
    h.call(frameworkId, { type: 'KILL', kill: { taskId: { value: 't1' } } });
    h.call(frameworkId, { type: 'KILL', kill: { taskId: { value: 'ghost' } } });
    expect(agent.sent.filter((m) => m.killTask).map((m) => m.killTask!.taskId!.value)).toEqual(['t1']);
    // Partition-aware: the master does not know it, which is not the end of it (TASK_UNKNOWN is not terminal).
    expect(updatesIn(outbox).map((u) => [u.taskId, u.state, u.message])).toEqual([['ghost', 'TASK_UNKNOWN', 'Attempted to kill an unknown task']]);
    // A kill that crosses the task's own end is not answered with a second terminal state.
    h.update(agentId, frameworkId, 't1', 'TASK_KILLED');
    h.call(frameworkId, { type: 'KILL', kill: { taskId: { value: 't1' }, agentId: { value: agentId } } });
    expect(updatesIn(outbox).filter((u) => u.taskId === 't1').map((u) => u.state)).toEqual(['TASK_KILLED']);
    // An older framework hears TASK_LOST.
    const old = await h.subscribe(framework(undefined, { name: 'old', capabilities: [] }));
    h.call(old.frameworkId, { type: 'KILL', kill: { taskId: { value: 'ghost' } } });
    expect(updatesIn(old.outbox).map((u) => [u.taskId, u.state])).toEqual([['ghost', 'TASK_LOST']]);
  });

  it('acknowledges, on its behalf, a reliable update for a framework that is gone, so the agent stops retrying', async () => {
    const h = await MasterHarness.start();
    const { agentId, outbox: agent } = await h.registerAgent({ agentInfo: agentInfo() });
    const uuid = h.update(agentId, 'removed-framework', 'old-task', 'TASK_KILLED');
    expect(agent.sent.filter((m) => m.statusUpdateAck).map((m) => Buffer.from(m.statusUpdateAck!.uuid as Uint8Array).toString())).toEqual([uuid.toString()]);
  });

  it('tells a framework that is not partition-aware TASK_LOST for an unreachable agent\'s task, and kills the task when the agent returns', async () => {
    const h = await MasterHarness.start({ timers: true, config: { agentPingIntervalMs: 1_000, maxMissedPings: 2, offerTimeoutMs: 600_000 } });
    try {
      const { agentId } = await h.registerAgent({ agentInfo: agentInfo() });
      const { frameworkId, outbox } = await h.subscribe(framework(undefined, { capabilities: [] }));
      await h.launch(frameworkId, outbox, 't1');
      h.update(agentId, frameworkId, 't1', 'TASK_RUNNING');
      h.clock.advance(3_000);
      expect(updatesIn(outbox).filter((u) => u.state === 'TASK_LOST').map((u) => [u.taskId, u.reason])).toEqual([['t1', 'REASON_AGENT_REMOVED']]);
      const back = await h.reregisterAgent({ agentInfo: agentInfo(agentId), frameworks: [framework(frameworkId)], tasks: [reportedTask(frameworkId, agentId, 't1')] });
      expect(back.sent.filter((m) => m.killTask).map((m) => m.killTask!.taskId!.value)).toEqual(['t1']);
    } finally {
      h.stop();
    }
  });

  it('drops a launched task its agent does not have when it reregisters (REASON_AGENT_RESTARTED)', async () => {
    const h = await MasterHarness.start();
    const { agentId } = await h.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId, outbox } = await h.subscribe(framework());
    await h.launch(frameworkId, outbox, 'never-arrived');
    await h.reregisterAgent({ agentInfo: agentInfo(agentId), frameworks: [framework(frameworkId)], tasks: [] });
    expect(updatesIn(outbox).map((u) => [u.taskId, u.state, u.reason])).toEqual([['never-arrived', 'TASK_DROPPED', 'REASON_AGENT_RESTARTED']]);
  });

  it('marks an admitted agent that does not come back after a master restart unreachable once the reregister timeout passes', async () => {
    const first = await MasterHarness.start();
    const { agentId } = await first.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId } = await first.subscribe(framework());
    const h = await MasterHarness.start({ store: first.store, timers: true, config: { agentReregisterTimeoutMs: 60_000, agentPingIntervalMs: 1_000 } });
    try {
      const { outbox } = await h.subscribe(framework(frameworkId));
      const ask = () => h.call(frameworkId, { type: 'RECONCILE', reconcile: { tasks: [{ taskId: { value: 't' }, agentId: { value: agentId } }] } });
      h.clock.advance(59_000);
      ask();
      expect(updatesIn(outbox)).toEqual([]);
      h.clock.advance(2_000);
      ask();
      expect(updatesIn(outbox).map((u) => u.state)).toEqual(['TASK_UNREACHABLE']);
      await h.settle();
      expect((await h.store.get<{ unreachableAt?: number }>(`agents/${agentId}`))!.value.unreachableAt).toBeGreaterThan(0);
    } finally {
      h.stop();
    }
  });

  it('keeps at most max_completed_tasks_per_framework completed tasks, the newest', async () => {
    const h = await MasterHarness.start({ config: { maxCompletedTasksPerFramework: 2 } });
    const { agentId } = await h.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId, outbox } = await h.subscribe(framework());
    for (const id of ['a', 'b', 'c']) {
      await h.launch(frameworkId, outbox, id, 1, 0);
      await h.settle();
      h.update(agentId, frameworkId, id, 'TASK_FINISHED');
    }
    expect(h.master.snapshot().frameworks[0]!.completed.map((t) => t.id)).toEqual(['b', 'c']);
  });

  it('counts live tasks per state for the gauges as they move, and not once they end', async () => {
    const h = await MasterHarness.start();
    const { agentId } = await h.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId, outbox } = await h.subscribe(framework());
    for (const id of ['a', 'b']) {
      await h.launch(frameworkId, outbox, id, 1, 0);
      await h.settle();
    }
    h.update(agentId, frameworkId, 'a', 'TASK_RUNNING');
    expect(h.master.gauges().tasks).toEqual({ TASK_RUNNING: 1, TASK_STAGING: 1 });
    h.update(agentId, frameworkId, 'a', 'TASK_FINISHED');
    h.update(agentId, frameworkId, 'b', 'TASK_FAILED');
    expect(h.master.gauges().tasks).toEqual({});
  });
});
