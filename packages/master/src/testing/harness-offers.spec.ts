import type { Event, Offer } from '@strata/proto';
import { agentInfo, framework } from './fixtures';
import { MasterHarness, RecordingOutbox, updatesIn } from './harness';

const offersIn = (outbox: RecordingOutbox<Event>) => outbox.sent.flatMap((e) => (e.type === 'OFFERS' ? e.offers?.offers ?? [] : []));
const cpusOf = (offer: Offer) => (offer.resources ?? []).filter((r) => r.name === 'cpus').reduce((s, r) => s + Number(r.scalar?.value ?? 0), 0);

describe('offers (in-process harness)', () => {
  it('launches an accepted task on its agent, records it as staging, and offers what it left', async () => {
    const h = await MasterHarness.start();
    const { outbox: agent } = await h.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId, outbox } = await h.subscribe(framework());
    await h.launch(frameworkId, outbox, 't1', 1, 0);
    await h.settle();
    const launched = agent.sent.flatMap((m) => m.launchTasks?.tasks ?? []);
    expect(launched.map((t) => t.taskId!.value)).toEqual(['t1']);
    expect(agent.sent.find((m) => m.launchTasks)!.launchTasks!.frameworkInfo!.id!.value).toBe(frameworkId);
    expect(h.master.snapshot().frameworks[0]!.tasks.get('t1')!.state).toBe('TASK_STAGING');
    const [first, second] = offersIn(outbox);
    expect([cpusOf(first!), cpusOf(second!)]).toEqual([4, 3]);
  });

  it('keeps a declined agent from the framework for refuse_seconds, then offers it again', async () => {
    const h = await MasterHarness.start({ timers: true, config: { agentPingIntervalMs: 600_000, offerTimeoutMs: 600_000 } });
    try {
      await h.registerAgent({ agentInfo: agentInfo() });
      const { frameworkId, outbox } = await h.subscribe(framework());
      const [offer] = await h.offers(outbox);
      h.call(frameworkId, { type: 'DECLINE', decline: { offerIds: [offer!.id!], filters: { refuseSeconds: 20 } } });
      await h.settle();
      h.clock.advance(19_000);
      await h.settle();
      expect(offersIn(outbox)).toHaveLength(1);
      h.clock.advance(2_000);
      await h.settle();
      expect(offersIn(outbox)).toHaveLength(2);
    } finally {
      h.stop();
    }
  });

  it('offers a declined agent to another framework at once: a filter is per framework', async () => {
    const h = await MasterHarness.start();
    await h.registerAgent({ agentInfo: agentInfo() });
    const a = await h.subscribe(framework());
    const [offer] = await h.offers(a.outbox);
    const b = await h.subscribe({ ...framework(), name: 'other' });
    h.call(a.frameworkId, { type: 'DECLINE', decline: { offerIds: [offer!.id!], filters: { refuseSeconds: 3600 } } });
    const toB = await h.offers(b.outbox);
    expect(toB.map((o) => o.agentId!.value)).toEqual([offer!.agentId!.value]);
  });

  it('answers a launch on an offer that is not outstanding with TASK_DROPPED (partition-aware) or TASK_LOST, REASON_INVALID_OFFERS', async () => {
    const h = await MasterHarness.start();
    const { agentId, outbox: agent } = await h.registerAgent({ agentInfo: agentInfo() });
    const aware = await h.subscribe(framework());
    const old = await h.subscribe(framework(undefined, { capabilities: [] }));
    const bogus = (taskId: string) => ({ type: 'ACCEPT' as const, accept: { offerIds: [{ value: 'no-such-offer' }], operations: [{ type: 'LAUNCH' as const, launch: { taskInfos: [{ name: taskId, taskId: { value: taskId }, agentId: { value: agentId }, resources: [], command: { value: 'true' } }] } }] } });
    h.call(aware.frameworkId, bogus('x'));
    h.call(old.frameworkId, bogus('y'));
    expect(updatesIn(aware.outbox).map((u) => [u.taskId, u.state, u.reason])).toEqual([['x', 'TASK_DROPPED', 'REASON_INVALID_OFFERS']]);
    expect(updatesIn(old.outbox).map((u) => [u.taskId, u.state, u.reason])).toEqual([['y', 'TASK_LOST', 'REASON_INVALID_OFFERS']]);
    expect(agent.sent.some((m) => m.launchTasks)).toBe(false);
  });

  it('does not let a framework consume another framework\'s offer', async () => {
    const h = await MasterHarness.start();
    await h.registerAgent({ agentInfo: agentInfo() });
    const a = await h.subscribe(framework());
    const [offer] = await h.offers(a.outbox);
    const b = await h.subscribe({ ...framework(), name: 'thief' });
    h.call(b.frameworkId, { type: 'ACCEPT', accept: { offerIds: [offer!.id!], operations: [] } });
    expect(h.master.snapshot().offers(a.frameworkId).map((o) => o.id)).toEqual([offer!.id!.value]);
  });

  it('refuses a second task with an id the framework already runs', async () => {
    const h = await MasterHarness.start();
    await h.registerAgent({ agentInfo: agentInfo() });
    const { frameworkId, outbox } = await h.subscribe(framework());
    await h.launch(frameworkId, outbox, 'same', 1, 0);
    await h.settle();
    await h.launch(frameworkId, outbox, 'same', 1, 0);
    expect(updatesIn(outbox).map((u) => [u.taskId, u.state, u.reason])).toEqual([['same', 'TASK_ERROR', 'REASON_TASK_INVALID']]);
  });

  it('rescinds an agent\'s offers when its stream goes away', async () => {
    const h = await MasterHarness.start();
    const { agentId, outbox: agent } = await h.registerAgent({ agentInfo: agentInfo() });
    const { outbox } = await h.subscribe(framework());
    const [offer] = await h.offers(outbox);
    h.master.agentDisconnected(agentId, agent);
    expect(outbox.sent.filter((e) => e.type === 'RESCIND').map((e) => e.rescind!.offerId!.value)).toEqual([offer!.id!.value]);
    await h.settle();
    expect(offersIn(outbox)).toHaveLength(1);
  });

  it('reserves an agent\'s free resources for a role on the operator\'s /reserve, offers them to that role as a DYNAMIC reservation, and keeps them across a restart', async () => {
    const h = await MasterHarness.start();
    const { agentId } = await h.registerAgent({ agentInfo: agentInfo() });
    expect(() => h.master.operatorReservation('RESERVE', 'no-agent', 'web', { scalars: { cpus: 1 }, ranges: {} })).toThrow(expect.objectContaining({ code: 'UNKNOWN_AGENT' }));
    expect(h.master.operatorReservation('RESERVE', agentId, 'web', { scalars: { cpus: 2 }, ranges: {} })).toBe(true);
    const web = await h.subscribe(framework(undefined, { roles: ['web'], capabilities: [{ type: 'MULTI_ROLE' }] }));
    const offers = await h.offers(web.outbox);
    const reserved = offers.flatMap((o) => o.resources ?? []).filter((r) => r.reservations?.length);
    expect(reserved.map((r) => [r.name, r.scalar?.value, r.reservations![0]!.role, r.reservations![0]!.type])).toEqual([['cpus', 2, 'web', 'DYNAMIC']]);
    await h.settle();
    const restarted = await MasterHarness.start({ store: h.store });
    expect(restarted.master.snapshot().dynamicReserved(agentId).get('web')?.scalars).toEqual({ cpus: 2 });
  });
});
