import { silentLogger } from '@strata/lib';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { startMaster, type RunningMaster } from '@strata/master'; // eslint-disable-line @nx/enforce-module-boundaries -- the emulator's own spec needs a real master to emulate agents against
import { SchedulerDriver, offerResources, taskInfo } from '@strata/sdk';
import { EmulatedAgentPool, DURATION_LABEL } from './index';

/** Emulated agents against a real master (in process, real gRPC on a random port). */
jest.setTimeout(60_000);

describe('EmulatedAgentPool', () => {
  let master: RunningMaster;
  let dir: { path: string; remove(): void };
  let pool: EmulatedAgentPool | undefined;
  let driver: SchedulerDriver | undefined;

  beforeEach(async () => {
    dir = tmpDir('emu-master-');
    master = await startMaster({ log: silentLogger(), config: { host: '127.0.0.1', port: 0, workDir: dir.path } });
  });
  afterEach(async () => {
    driver?.close();
    pool?.stop();
    await master.stop();
    dir.remove();
  });

  const agentsConnected = () => master.master!.snapshot().agents.filter((a) => a.outbox).length;
  /** The gauges' live tasks per state, walked the slow way: what the master's tally must always equal. */
  const recount = () => {
    const tasks: Record<string, number> = {};
    for (const fw of master.master!.snapshot().frameworks) for (const t of fw.tasks.values()) tasks[t.state] = (tasks[t.state] ?? 0) + 1;
    return tasks;
  };
  const scrapedTasks = async () => {
    const text = await (await fetch(`http://${master.address}/metrics`)).text();
    return Object.fromEntries([...text.matchAll(/^strata_master_tasks\{[^}]*state="(\w+)"[^}]*\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  };

  it.each([
    ['batched (the SDK default)', true],
    ['one message per event and call, as Mesos', false],
  ])('registers every agent over a few connections and runs tasks to completion: stream %s', async (_how, batching) => {
    pool = new EmulatedAgentPool({ master: master.address, agents: 300, resources: 'cpus:2;mem:2048;ports:[31000-31010]', connections: 3 });
    await pool.start();
    await waitFor(() => agentsConnected() === 300, { what: '300 agents connected' });
    expect(new Set(pool.agentIds()).size).toBe(300);

    driver = new SchedulerDriver({ master: master.address, framework: { name: 'emu-test', user: 'root', roles: ['*'] }, batching });
    const states = new Map<string, string[]>();
    const wanted = 1000;
    let launched = 0;
    driver.on('offers', (offers) => {
      for (const o of offers) {
        const tasks = [];
        const cpus = offerResources(o).scalars.cpus ?? 0;
        for (let c = 0; c + 1 <= cpus && launched < wanted; c++) {
          const id = `t${launched++}`;
          tasks.push({ ...taskInfo(o, { id, command: 'true', cpus: 1, mem: 16 }), labels: { labels: [{ key: DURATION_LABEL, value: '30' }] } });
        }
        if (tasks.length) driver!.launch([o.id!.value], tasks, { refuseSeconds: 0.01 });
        else driver!.decline([o.id!.value], { refuseSeconds: 60 });
      }
    });
    const tallies: [Record<string, number>, Record<string, number>][] = [];
    let updates = 0;
    driver.on('update', (s) => {
      const id = s.taskId!.value;
      states.set(id, [...(states.get(id) ?? []), s.state as string]);
      if (updates++ % 100 === 0) tallies.push([master.master!.gauges().tasks, recount()]);
    });
    await driver.subscribe();
    await waitFor(() => [...states.values()].filter((s) => s.includes('TASK_FINISHED')).length === wanted, { timeoutMs: 30_000, what: `${wanted} tasks finished` });
    // The master's task gauges, kept as tasks change, agree with a walk of every task all along.
    expect(tallies.length).toBeGreaterThanOrEqual(20);
    for (const [kept, walked] of tallies) expect(kept).toEqual(walked);
    expect(tallies.some(([kept]) => (kept.TASK_RUNNING ?? 0) > 0)).toBe(true);
    expect(master.master!.gauges()).toMatchObject({ agentsConnected: 300, agentsDisconnected: 0, frameworks: 1, tasks: {} });
    const s = driver.stats();
    if (batching) {
      // Updates of tasks launched together arrive, and are acknowledged, a few per message.
      expect(s.eventsIn).toBeGreaterThan(1.5 * s.messagesIn);
      expect(s.callsOut).toBeGreaterThan(1.5 * s.messagesOut);
    } else {
      expect(s.eventsIn).toBe(s.messagesIn);
      expect(s.callsOut).toBe(s.messagesOut);
    }
    expect(s.eventsIn).toBeGreaterThanOrEqual(2 * wanted);
    // Every task went RUNNING then FINISHED (no TASK_ERROR: the framework fitted its tasks in its offers), once each: ordered, acknowledged, not duplicated.
    for (const s of states.values()) expect(s).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
    expect(pool.stats().tasksLaunched).toBe(wanted);
    // Two updates per task, but the tasks of one launch start (and end) together: their updates
    // leave as one message, so there are fewer messages than updates.
    expect(pool.stats().messagesOut).toBeLessThan(0.75 * 2 * wanted);
    await waitFor(() => pool!.stats().tasksActive === 0, { what: 'emulated tasks forgotten after their last ack' });
  });

  it('offers a new framework every agent, in passes of at most 64 offers (the master keeps serving in between)', async () => {
    // No cap on the offers a framework holds (it answers none here), as Mesos.
    await master.stop();
    master = await startMaster({ log: silentLogger(), config: { host: '127.0.0.1', port: 0, workDir: dir.path, maxOffersPerFramework: 0 } });
    pool = new EmulatedAgentPool({ master: master.address, agents: 600, resources: 'cpus:1;mem:128', connections: 2 });
    await pool.start();
    await waitFor(() => agentsConnected() === 600, { what: '600 agents connected' });
    driver = new SchedulerDriver({ master: master.address, framework: { name: 'wide', user: 'root', roles: ['*'] } });
    const events: number[] = [];
    const agents = new Set<string>();
    driver.on('offers', (offers) => {
      events.push(offers.length);
      for (const o of offers) agents.add(o.agentId!.value);
    });
    await driver.subscribe();
    await waitFor(() => agents.size === 600, { what: 'offers for all 600 agents' });
    expect(Math.max(...events)).toBeLessThanOrEqual(64);
    expect(events.length).toBeGreaterThanOrEqual(10);
  });

  it('answers kills with TASK_KILLED', async () => {
    pool = new EmulatedAgentPool({ master: master.address, agents: 5, resources: 'cpus:1;mem:128' });
    await pool.start();
    await waitFor(() => agentsConnected() === 5, { what: '5 agents connected' });
    driver = new SchedulerDriver({ master: master.address, framework: { name: 'emu-kill', user: 'root', roles: ['*'] } });
    let sent = false;
    const states: string[] = [];
    driver.on('offers', (offers) => {
      const o = offers[0]!;
      if (sent) return driver!.decline(offers.map((x) => x.id!.value), { refuseSeconds: 60 });
      sent = true;
      driver!.launch([o.id!.value], [{ ...taskInfo(o, { id: 'long', command: 'sleep 1000', cpus: 1, mem: 64 }), labels: { labels: [{ key: DURATION_LABEL, value: '3600000' }] } }]);
    });
    driver.on('update', (s) => states.push(s.state as string));
    await driver.subscribe();
    await waitFor(() => states.includes('TASK_RUNNING'), { what: 'TASK_RUNNING' });
    expect(await scrapedTasks()).toEqual({ TASK_RUNNING: 1 });
    driver.kill('long');
    await waitFor(() => states.includes('TASK_KILLED'), { what: 'TASK_KILLED' });
    expect(states).toEqual(['TASK_RUNNING', 'TASK_KILLED']);
    expect(await scrapedTasks()).toEqual({});
    // A removed framework's live tasks leave the gauges with it.
    const before = states.length;
    sent = false;
    driver.revive();
    await waitFor(() => states.length === before + 1, { what: 'a second task RUNNING' });
    expect(recount()).toEqual({ TASK_RUNNING: 1 });
    driver.teardown();
    await waitFor(() => master.master!.gauges().frameworks === 0, { what: 'framework removed' });
    expect(master.master!.gauges().tasks).toEqual({});
    expect(recount()).toEqual({});
  });

  it('answers the master pings, so idle agents stay reachable', async () => {
    await master.stop();
    master = await startMaster({ log: silentLogger(), config: { host: '127.0.0.1', port: 0, workDir: dir.path, agentPingIntervalMs: 100, maxMissedPings: 3 } });
    pool = new EmulatedAgentPool({ master: master.address, agents: 5, resources: 'cpus:1;mem:128' });
    await pool.start();
    await waitFor(() => agentsConnected() === 5, { what: '5 agents connected' });
    // Fifteen pings each (five times the three missed that make an agent unreachable): all still connected.
    await waitFor(() => pool!.stats().messagesIn >= 5 * 15, { what: '75 pings received' });
    expect(agentsConnected()).toBe(5);
    expect(master.master!.gauges()).toMatchObject({ agentsConnected: 5, agentsDisconnected: 0 });
    expect(master.master!.snapshot().agents.every((a) => a.unreachableAt === undefined)).toBe(true);
    expect(pool.stats().messagesOut).toBeGreaterThanOrEqual(pool.stats().messagesIn);
    pool.stop();
    await waitFor(() => master.master!.gauges().agentsConnected === 0, { what: 'agents disconnected' });
    expect(master.master!.gauges().agentsDisconnected).toBe(5);
  });

  it('reregisters every agent with its running tasks when the master comes back (a restart on the same address)', async () => {
    pool = new EmulatedAgentPool({ master: master.address, agents: 50, resources: 'cpus:2;mem:2048', connections: 2 });
    await pool.start();
    await waitFor(() => agentsConnected() === 50, { what: '50 agents connected' });
    driver = new SchedulerDriver({ master: master.address, framework: { name: 'emu-rereg', user: 'root', roles: ['*'], failoverTimeout: 600 } });
    let launched = 0;
    driver.on('offers', (offers) => {
      for (const o of offers) {
        if (launched >= 100) continue;
        const tasks = [0, 1].map(() => ({ ...taskInfo(o, { id: `long-${launched++}`, command: 'true', cpus: 1, mem: 16 }), labels: { labels: [{ key: DURATION_LABEL, value: '600000' }] } }));
        driver!.launch([o.id!.value], tasks, { refuseSeconds: 600 });
      }
    });
    await driver.subscribe();
    await waitFor(() => recount().TASK_RUNNING === 100, { what: '100 tasks running' });
    const port = master.port;
    await master.stop();
    master = await startMaster({ log: silentLogger(), config: { host: '127.0.0.1', port, workDir: dir.path } });
    await waitFor(() => agentsConnected() === 50 && recount().TASK_RUNNING === 100, { what: 'every agent and task back', timeoutMs: 30_000 });
    // The master counts an agent back when it has answered; the pool when the answer has reached it, a moment later.
    await waitFor(() => pool!.stats().reregistrations >= 50, { what: 'every answer heard by the pool' });
    expect(pool.stats().reregistrations).toBe(50);
  });
});
