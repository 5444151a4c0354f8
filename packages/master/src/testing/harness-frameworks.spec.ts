import { agentInfo, framework } from './fixtures';
import { MasterHarness, RecordingOutbox, updatesIn } from './harness';
import type { Event } from '@strata/proto';

const offerIdsIn = (outbox: RecordingOutbox<Event>) => outbox.sent.flatMap((e) => (e.type === 'OFFERS' ? e.offers?.offers?.map((o) => o.id!.value!) ?? [] : []));
const errorsIn = (outbox: RecordingOutbox<Event>) => outbox.sent.flatMap((e) => (e.type === 'ERROR' ? [e.error?.message ?? ''] : []));

describe('framework lifecycle (in-process harness)', () => {
  it('refuses SUBSCRIBE with an id it never gave out, and with two different ids', async () => {
    const h = await MasterHarness.start();
    await expect(h.subscribe(framework('never-registered'))).rejects.toMatchObject({ code: 'UNKNOWN_FRAMEWORK', status: 404 });
    const call = { type: 'SUBSCRIBE', frameworkId: { value: 'a' }, subscribe: { frameworkInfo: { ...framework('b'), roles: [], role: '', principal: '', checkpoint: false, capabilities: [] } } };
    await expect(h.master.subscribe(call as never, new RecordingOutbox())).rejects.toMatchObject({ code: 'INVALID_FRAMEWORK' });
  });

  it('fails a framework over to a new stream: the old one gets an ERROR and is closed, its offers go back and come to the new one', async () => {
    const h = await MasterHarness.start();
    await h.registerAgent({ agentInfo: agentInfo() });
    const first = await h.subscribe(framework());
    const [offer] = await h.offers(first.outbox);
    const second = await h.subscribe(framework(first.frameworkId));
    expect(second.frameworkId).toBe(first.frameworkId);
    expect(errorsIn(first.outbox)).toEqual(['Framework failed over']);
    expect(first.outbox.closed).toBe(true);
    expect(second.outbox.sent[0]!.type).toBe('SUBSCRIBED');
    const reoffered = await h.offers(second.outbox);
    expect(reoffered.map((o) => o.agentId!.value)).toEqual([offer!.agentId!.value]);
    expect(reoffered[0]!.id!.value).not.toBe(offer!.id!.value);
  });

  it('keeps a framework that resubscribes within its failover timeout, and its tasks with it', async () => {
    const h = await MasterHarness.start({ timers: true, config: { agentPingIntervalMs: 600_000 } });
    try {
      const { agentId, outbox: agent } = await h.registerAgent({ agentInfo: agentInfo() });
      const { frameworkId, outbox } = await h.subscribe(framework(undefined, { failoverTimeout: 10 }));
      await h.launch(frameworkId, outbox, 't1');
      h.update(agentId, frameworkId, 't1', 'TASK_RUNNING');
      h.master.frameworkDisconnected(frameworkId, outbox);
      h.clock.advance(9_000);
      const back = await h.subscribe(framework(frameworkId, { failoverTimeout: 10 }));
      h.clock.advance(5_000);
      expect(agent.sent.some((m) => m.shutdownFramework)).toBe(false);
      h.call(frameworkId, { type: 'RECONCILE', reconcile: {} });
      expect(updatesIn(back.outbox).map((u) => [u.taskId, u.state])).toEqual([['t1', 'TASK_RUNNING']]);
    } finally {
      h.stop();
    }
  });

  it('removes a framework with failover_timeout 0 the moment it disconnects', async () => {
    const h = await MasterHarness.start();
    const { outbox: agent } = await h.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId, outbox } = await h.subscribe(framework(undefined, { failoverTimeout: 0 }));
    await h.launch(frameworkId, outbox, 't1');
    h.master.frameworkDisconnected(frameworkId, outbox);
    expect(agent.sent.filter((m) => m.shutdownFramework).map((m) => m.shutdownFramework!.frameworkId!.value)).toEqual([frameworkId]);
    expect(h.master.snapshot().completedFrameworks.map((f) => f.id)).toEqual([frameworkId]);
  });

  it('tears a framework down on TEARDOWN: its tasks are killed on their agents, its id is gone, the store forgets it', async () => {
    const h = await MasterHarness.start();
    const { outbox: agent } = await h.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId, outbox } = await h.subscribe(framework());
    await h.launch(frameworkId, outbox, 't1');
    h.call(frameworkId, { type: 'TEARDOWN' });
    await h.settle();
    expect(agent.sent.some((m) => m.shutdownFramework?.frameworkId?.value === frameworkId)).toBe(true);
    expect(outbox.closed).toBe(true);
    const done = h.master.snapshot().completedFrameworks[0]!;
    expect(done.completed.map((t) => [t.id, t.state])).toEqual([['t1', 'TASK_KILLED']]);
    expect(await h.store.get(`frameworks/${frameworkId}`)).toBeUndefined();
    await expect(h.subscribe(framework(frameworkId))).rejects.toMatchObject({ code: 'UNKNOWN_FRAMEWORK' });
  });

  it('asks every agent for missed updates when a framework resubscribes, not when it first subscribes', async () => {
    const h = await MasterHarness.start();
    const { outbox: agent } = await h.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId, outbox } = await h.subscribe(framework());
    expect(agent.sent.some((m) => m.frameworkReconnected)).toBe(false);
    h.master.frameworkDisconnected(frameworkId, outbox);
    await h.subscribe(framework(frameworkId));
    expect(agent.sent.filter((m) => m.frameworkReconnected).map((m) => m.frameworkReconnected!.frameworkId!.value)).toEqual([frameworkId]);
  });

  it('applies UPDATE_FRAMEWORK after storing it, rescinding offers in a role it dropped', async () => {
    const h = await MasterHarness.start();
    await h.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId, outbox } = await h.subscribe(framework(undefined, { roles: ['web'], capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }] }));
    const [offer] = await h.offers(outbox);
    expect(offer!.allocationInfo!.role).toBe('web');
    h.call(frameworkId, { type: 'UPDATE_FRAMEWORK', updateFramework: { frameworkInfo: framework(frameworkId, { roles: ['batch'], capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }] }) } });
    await h.settle();
    expect(outbox.sent.filter((e) => e.type === 'RESCIND').map((e) => e.rescind!.offerId!.value)).toEqual([offer!.id!.value]);
    const stored = (await h.store.get<{ info: { roles: string[] } }>(`frameworks/${frameworkId}`))!.value;
    expect(stored.info.roles).toEqual(['batch']);
    const later = outbox.sent.flatMap((e) => (e.type === 'OFFERS' ? e.offers!.offers!.map((o) => o.allocationInfo!.role) : []));
    expect(later.slice(1)).toEqual(['batch']);
  });

  it('refuses an UPDATE_FRAMEWORK that changes the user, with an ERROR, and keeps the framework as it was', async () => {
    const h = await MasterHarness.start();
    const { frameworkId, outbox } = await h.subscribe(framework());
    h.call(frameworkId, { type: 'UPDATE_FRAMEWORK', updateFramework: { frameworkInfo: framework(frameworkId, { user: 'mallory' }) } });
    await h.settle();
    expect(errorsIn(outbox)).toEqual(['framework_info.user cannot be changed by UPDATE_FRAMEWORK']);
    expect(h.master.snapshot().frameworks[0]!.info.user).toBe('root');
  });

  it('answers a call claiming another framework id, and a nested BATCH with ERRORs, and runs the rest of the BATCH', async () => {
    const h = await MasterHarness.start();
    await h.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId, outbox } = await h.subscribe(framework());
    const [offer] = await h.offers(outbox);
    h.master.frameworkCall(frameworkId, { type: 'DECLINE', frameworkId: { value: 'someone-else' }, decline: { offerIds: [offer!.id!] } } as never);
    h.call(frameworkId, { type: 'BATCH', batch: { calls: [{ type: 'BATCH' }, { type: 'DECLINE', decline: { offerIds: [offer!.id!] } }] } } as never);
    expect(errorsIn(outbox)).toEqual([`Call's framework_id 'someone-else' does not match the subscribed framework '${frameworkId}'`, 'A BATCH call cannot hold another BATCH']);
    expect(h.master.snapshot().offers(frameworkId)).toEqual([]);
  });
});
