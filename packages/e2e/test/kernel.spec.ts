import { waitFor } from '@strata/lib/testing';
import { res } from '@strata/lib';
import { taskInfo, offerResources } from '@strata/sdk';
import { LocalCluster, TestFramework, pidsOfTask } from '../src';

jest.setTimeout(60_000);

describe('kernel: master and agents as real processes', () => {
  let cluster: LocalCluster;
  const frameworks: TestFramework[] = [];
  const subscribe = async (info: Parameters<typeof TestFramework.subscribe>[1] = {}) => {
    const f = await TestFramework.subscribe(cluster.masterAddress, info);
    frameworks.push(f);
    return f;
  };

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 2, resources: 'cpus:2;mem:2048;disk:1024;ports:[31000-31100]' });
  });
  afterEach(() => {
    for (const f of frameworks.splice(0)) f.close();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('launches 20 tasks across 2 agents; each is seen RUNNING then FINISHED', async () => {
    const f = await subscribe();
    const launched: string[] = [];
    const agentsUsed = new Set<string>();
    f.onOffers = (offers) => {
      for (const o of offers) {
        if (launched.length >= 20) { f.driver.decline([o.id!.value], { refuseSeconds: 60 }); continue; }
        const tasks = [];
        let free = offerResources(o);
        const want = res.resources({ cpus: 0.1, mem: 32 });
        while (launched.length < 20 && res.contains(free, want) && tasks.length < 10) {
          const id = `batch-${launched.length}`;
          launched.push(id);
          tasks.push(taskInfo(o, { id, command: 'sleep 0.3', cpus: 0.1, mem: 32 }));
          free = res.subtract(free, want);
        }
        agentsUsed.add(o.agentId!.value);
        f.driver.launch([o.id!.value], tasks);
      }
    };
    await waitFor(() => launched.length === 20 && launched.every((id) => f.states(id).includes('TASK_FINISHED')), { timeoutMs: 30_000, what: '20 tasks finished' });
    for (const id of launched) expect(f.states(id)).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
    const ranOn = new Set(f.updates.map((u) => u.status.agentId?.value));
    expect(ranOn.size).toBe(2);
    expect(agentsUsed.size).toBe(2);
  });

  it('reports a task that exits 3 as TASK_FAILED with its exit code', async () => {
    const f = await subscribe();
    const o = await f.nextOffer();
    f.driver.launch([o.id!.value], [taskInfo(o, { id: 'exit3', command: 'exit 3', cpus: 0.1, mem: 32 })]);
    const s = await f.waitForState('exit3', 'TASK_FAILED');
    expect(s.message).toBe('Command exited with status 3');
    expect(s.exitCode).toBe(3);
    expect(s.reason).toBe('REASON_COMMAND_EXECUTOR_FAILED');
  });

  it('gives the task its ports, sandbox and host in the environment', async () => {
    const f = await subscribe();
    const o = await f.nextOffer((x) => (offerResources(x).ranges.ports?.length ?? 0) > 0);
    const port = offerResources(o).ranges.ports![0]!.begin;
    f.driver.launch([o.id!.value], [taskInfo(o, { id: 'envcheck', command: 'test "$PORT0" = "$PORTS" && test "$HOST" = 127.0.0.1 && test "$(pwd)" = "$MESOS_SANDBOX" && test "$GREETING" = hi', cpus: 0.1, mem: 32, ports: [port], env: { GREETING: 'hi' } })]);
    await f.waitForState('envcheck', 'TASK_FINISHED');
  });

  it('kills a long task: TASK_KILLED within its grace period and no process left behind', async () => {
    const f = await subscribe();
    const o = await f.nextOffer();
    f.driver.launch([o.id!.value], [
      taskInfo(o, { id: 'long', command: 'sleep 300 & sleep 300 & wait', cpus: 0.1, mem: 32, killGraceMs: 2_000 }),
      taskInfo(o, { id: 'stubborn', command: 'trap "" TERM; sleep 300 & wait; sleep 300', cpus: 0.1, mem: 32, killGraceMs: 500 }),
    ]);
    await f.waitForState('long', 'TASK_RUNNING');
    await f.waitForState('stubborn', 'TASK_RUNNING');
    await waitFor(() => pidsOfTask('long').length >= 3 && pidsOfTask('stubborn').length >= 2, { what: 'task processes' });
    const t0 = Date.now();
    f.driver.kill('long', o.agentId!.value);
    f.driver.kill('stubborn', o.agentId!.value);
    // sleep obeys SIGTERM (it ends by that signal); the stubborn one ignores it and is SIGKILLed when its grace runs out, not before.
    expect((await f.waitForState('long', 'TASK_KILLED')).message).toBe('Command terminated with signal SIGTERM');
    expect((await f.waitForState('stubborn', 'TASK_KILLED')).message).toBe('Command terminated with signal SIGKILL');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
    expect(pidsOfTask('long')).toEqual([]);
    expect(pidsOfTask('stubborn')).toEqual([]);
  });

  it('does not re-offer declined resources to that framework before refuse_seconds pass', async () => {
    const f = await subscribe();
    const first = await f.nextOffer();
    const agent = first.agentId!.value;
    const declinedAt = Date.now();
    f.driver.decline([first.id!.value], { refuseSeconds: 2 });
    const again = await f.nextOffer((o) => o.agentId!.value === agent, 10_000);
    const at = f.offers.find((x) => x.offer.id!.value === again.id!.value)!.at;
    // Not before the filter expires; that it comes back at all is the wait above.
    expect(at - declinedAt).toBeGreaterThanOrEqual(2_000);
  });

  it('keeps offering to a newcomer while another framework holds resources, and accounts what each uses', async () => {
    const a = await subscribe({ name: 'heavy' });
    const o1 = await a.nextOffer();
    // heavy holds one agent's worth of cpus; a newcomer has share 0 and gets the next free agent.
    a.driver.launch([o1.id!.value], [taskInfo(o1, { id: 'hog', command: 'sleep 30', cpus: 1.5, mem: 64 })]);
    await a.waitForState('hog', 'TASK_RUNNING');
    const b = await subscribe({ name: 'light' });
    const ob = await b.nextOffer(); // throws if the newcomer is offered nothing
    expect(res.scalar(offerResources(ob), 'cpus')).toBeGreaterThan(0);
    const st = await cluster.state();
    const heavy = st.frameworks.find((x) => x.name === 'heavy')!;
    expect(heavy.used_resources.cpus).toBe(1.5);
    a.driver.kill('hog');
    await a.waitForState('hog', 'TASK_KILLED');
  });

  describe('bad input gets a clear answer and leaks nothing', () => {
    it('refuses a subscription with an unknown framework id', async () => {
      const f = new TestFramework(cluster.masterAddress, { id: { value: 'no-such-framework' } });
      await expect(f.driver.subscribe()).rejects.toThrow("Framework 'no-such-framework' is unknown");
      f.close();
    });

    it('drops tasks on a rescinded/declined offer with REASON_INVALID_OFFERS (TASK_LOST, or TASK_DROPPED if partition-aware)', async () => {
      const f = await subscribe();
      const o = await f.nextOffer();
      f.driver.decline([o.id!.value], { refuseSeconds: 0.5 });
      f.driver.launch([o.id!.value], [taskInfo(o, { id: 'late', command: 'true', cpus: 0.1, mem: 32 })]);
      const s = await f.waitForState('late', 'TASK_LOST');
      expect(s.reason).toBe('REASON_INVALID_OFFERS');
      expect(s.message).toContain('no longer valid');

      const pa = await subscribe({ capabilities: [{ type: 'PARTITION_AWARE' }] });
      const o2 = await pa.nextOffer();
      pa.driver.decline([o2.id!.value], { refuseSeconds: 0.5 });
      pa.driver.launch([o2.id!.value], [taskInfo(o2, { id: 'late-pa', command: 'true', cpus: 0.1, mem: 32 })]);
      expect((await pa.waitForState('late-pa', 'TASK_DROPPED')).reason).toBe('REASON_INVALID_OFFERS');
    });

    it("refuses an accept of someone else's offer, which stays usable by its owner", async () => {
      const owner = await subscribe({ name: 'owner' });
      const thief = await subscribe({ name: 'thief' });
      const o = await owner.nextOffer();
      thief.driver.launch([o.id!.value], [taskInfo(o, { id: 'stolen', command: 'true', cpus: 0.1, mem: 32 })]);
      const s = await thief.waitForState('stolen', 'TASK_LOST');
      expect(s.message).toContain('not for this framework');
      owner.driver.launch([o.id!.value], [taskInfo(o, { id: 'rightful', command: 'true', cpus: 0.1, mem: 32 })]);
      await owner.waitForState('rightful', 'TASK_FINISHED');
    });

    it('answers a launch bigger than the offer with TASK_ERROR / REASON_TASK_INVALID', async () => {
      const f = await subscribe();
      const o = await f.nextOffer();
      f.driver.launch([o.id!.value], [taskInfo(o, { id: 'huge', command: 'true', cpus: 64, mem: 32 })]);
      const s = await f.waitForState('huge', 'TASK_ERROR');
      expect(s.reason).toBe('REASON_TASK_INVALID');
      expect(s.message).toContain('more resources');
    });

    it('answers calls naming unknown agents or tasks without crashing', async () => {
      const f = await subscribe();
      f.driver.call({ type: 'ACKNOWLEDGE', acknowledge: { agentId: { value: 'nope' }, taskId: { value: 't' }, uuid: Buffer.alloc(16, 1) } });
      await waitFor(() => f.errors.find((e) => e.includes("agent 'nope' is unknown")), { what: 'ERROR event' });
      f.driver.kill('never-launched');
      expect((await f.waitForState('never-launched', 'TASK_LOST')).message).toBe('Attempted to kill an unknown task');
      f.driver.call({ type: 'ACCEPT' });
      await waitFor(() => f.errors.find((e) => e.includes("'accept'")), { what: 'ERROR for empty accept' });
      f.driver.reconcile([{ taskId: 'ghost' }]);
      expect((await f.waitForState('ghost', 'TASK_LOST')).reason).toBe('REASON_RECONCILIATION');
    });

    it("returns the master's resource accounting to zero once frameworks are gone", async () => {
      // Its own framework holding resources, so the test means something when it runs alone.
      const holder = await subscribe({ name: 'holder' });
      const o = await holder.nextOffer();
      holder.driver.launch([o.id!.value], [taskInfo(o, { id: 'held', command: 'sleep 300', cpus: 0.5, mem: 32 })]);
      await holder.waitForState('held', 'TASK_RUNNING');
      expect((await cluster.state()).slaves.some((s) => Number(s.used_resources.cpus) > 0)).toBe(true);
      for (const f of frameworks.splice(0)) f.close();
      await waitFor(async () => {
        const st = await cluster.state();
        const zero = (r: Record<string, number | string>) => r.cpus === 0 && r.mem === 0 && r.disk === 0;
        return st.frameworks.length === 0 && st.slaves.every((s) => zero(s.used_resources) && zero(s.offered_resources));
      }, { what: 'used and offered resources back to zero', timeoutMs: 10_000 });
      const metrics = await (await fetch(`http://${cluster.masterAddress}/metrics`)).text();
      expect(metrics).toMatch(/strata_master_outstanding_offers\{service="master"\} 0/);
      expect(cluster.master.exit).toBeUndefined();
      cluster.agents.forEach((a) => expect(a.exit).toBeUndefined());
    });
  });
});
