import { res } from '@strata/lib';
import { connectEtcd, clusterKeys } from '@strata/lib/ha';
import { waitFor } from '@strata/lib/testing';
import { offerResources, taskInfo } from '@strata/sdk';
import type { Offer__Output } from '@strata/proto';
import { BINS, HaCluster, ServiceProcess, TestFramework } from '../src';

jest.setTimeout(120_000);

const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_GONE', 'TASK_DROPPED', 'TASK_UNREACHABLE']);

/** Launches `ids` as `command`, filling offers as they come (10 per agent at most per offer). */
function launchAll(f: TestFramework, ids: string[], command: (id: string) => string): void {
  const pending = [...ids];
  f.onOffers = (offers: Offer__Output[]) => {
    for (const o of offers) {
      const tasks = [];
      let free = offerResources(o);
      const want = res.resources({ cpus: 0.1, mem: 16 });
      while (pending.length && res.contains(free, want) && tasks.length < 10) {
        const id = pending.shift()!;
        tasks.push(taskInfo(o, { id, command: command(id), cpus: 0.1, mem: 16 }));
        free = res.subtract(free, want);
      }
      if (tasks.length) f.driver.launch([o.id!.value], tasks, { refuseSeconds: 0.2 });
      else f.driver.decline([o.id!.value], { refuseSeconds: 0.2 });
    }
  };
}

describe('three masters on etcd', () => {
  let c: HaCluster;
  const frameworks: TestFramework[] = [];
  afterEach(async () => {
    for (const f of frameworks.splice(0)) f.close();
    await c?.stop();
  });

  it('survives a SIGKILL of the leader with 3 agents and 30 tasks: a new leader, every agent back, no task killed, in-flight updates delivered once, the same framework id', async () => {
    c = await HaCluster.start({ masters: 3, agents: 3 });
    const f = await TestFramework.subscribe(c.masterUrl, { failoverTimeout: 3600 });
    frameworks.push(f);
    const frameworkId = f.driver.frameworkId!;
    const long = Array.from({ length: 30 }, (_, i) => `long-${i}`);
    launchAll(f, long, () => 'sleep 100000');
    await waitFor(() => long.every((id) => f.states(id).includes('TASK_RUNNING')), { what: '30 running', timeoutMs: 30_000 });
    // Tasks that end while no master leads: their updates are in flight across the failover.
    const short = Array.from({ length: 6 }, (_, i) => `short-${i}`);
    launchAll(f, short, () => 'sleep 1');
    await waitFor(() => short.every((id) => f.states(id).includes('TASK_RUNNING')), { what: '6 short running', timeoutMs: 15_000 });
    f.onOffers = (offers) => f.driver.decline(offers.map((o) => o.id!.value), { refuseSeconds: 0.2 });

    const old = await c.leader();
    const killedAt = Date.now();
    await c.masters[old]!.stop('SIGKILL');
    const others = [0, 1, 2].filter((i) => i !== old);
    const next = await c.leader({ among: others, intervalMs: 10 });
    const state = await c.state(next);
    const servingMs = Date.now() - killedAt;
    expect(state.leader_info.address).toBe(c.masterAt(next));

    await waitFor(async () => (await c.state(next)).slaves.filter((s) => s.active).length === 3, { what: 'all 3 agents reregistered', timeoutMs: 20_000 });
    await waitFor(() => short.every((id) => f.states(id).includes('TASK_FINISHED')), { what: 'the in-flight updates', timeoutMs: 20_000 });
    const after = await c.state(next);
    const fw = after.frameworks.find((x) => x.id === frameworkId);
    expect(fw).toBeDefined();
    expect(fw!.tasks.filter((t) => t.state === 'TASK_RUNNING').map((t) => t.id).sort()).toEqual([...long].sort());
    // Not one of the 30 was told to end, and each in-flight update arrived exactly once.
    for (const id of long) expect(f.states(id).filter((s) => TERMINAL.has(s))).toEqual([]);
    for (const id of short) expect(f.states(id).filter((s) => s === 'TASK_FINISHED')).toHaveLength(1);
    expect(f.driver.frameworkId).toBe(frameworkId);
    // The standbys now name the new leader.
    const standby = others.find((i) => i !== next)!;
    expect((await c.health(standby))?.leader).toBe(c.masterAt(next));
    const redirect = await fetch(`http://${c.masterAt(standby)}/master/state`, { redirect: 'manual' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe(`http://${c.masterAt(next)}/master/state`);
    expect(after.masters.map((m) => m.address).sort()).toEqual(others.map((i) => c.masterAt(i)).sort());
    process.stdout.write(`master failover: new leader serving ${servingMs} ms after SIGKILL\n`);
  });

  it('a leader paused past its lease learns it is deposed on SIGCONT and acts on nothing: no offer, no launch, no registry write', async () => {
    c = await HaCluster.start({ masters: 3, agents: 0 });
    const old = await c.leader();
    // An agent and a framework that talk to this master alone (a list of one, no etcd): after the
    // pause they are still connected to it, so whatever it would do reaches them.
    const direct = c.masterAt(old);
    const agent = ServiceProcess.start('agent-direct', BINS.agent, ['--master', direct, '--ip', '127.0.0.1', '--port', '0', '--hostname', '127.0.0.1', '--work-dir', `${c.dir.path}/agent-direct`, '--resources', 'cpus:2;mem:1024;ports:[31000-31010]']);
    c.agents.push(agent);
    await agent.waitForLog('agent registered');
    const agentPort = (agent.logs.find((l) => l.msg === 'agent listening') as unknown as { port: number }).port;
    const f = await TestFramework.subscribe(direct, { failoverTimeout: 3600 });
    frameworks.push(f);
    const frameworkId = f.driver.frameworkId!;
    // Offers keep coming while it leads (declined for 0.1 s each).
    let held: Offer__Output | undefined;
    f.onOffers = (offers) => {
      for (const o of offers) {
        if (!held) held = o;
        else f.driver.decline([o.id!.value], { refuseSeconds: 0.1 });
      }
    };
    await waitFor(() => held, { what: 'an offer from the leader' });
    const etcd = connectEtcd(c.etcd.endpoints);
    const key = `${clusterKeys(c.name).store('master')}frameworks/${frameworkId}`;
    const before = await etcd.get(key).exec();
    expect(before.kvs).toHaveLength(1);

    c.masters[old]!.child.kill('SIGSTOP');
    const next = await c.leader({ among: [0, 1, 2].filter((i) => i !== old), timeoutMs: 15_000 });
    const electedAt = Date.now();
    // While it sleeps, the framework asks it to launch on the offer it held, and to tear it down.
    f.driver.launch([held!.id!.value], [taskInfo(held!, { id: 'after-pause', command: 'sleep 100', cpus: 0.1, mem: 16 })]);
    f.driver.teardown();
    const since = c.masters[old]!.logs.length;
    c.masters[old]!.child.kill('SIGCONT');
    const deposed = await c.masters[old]!.waitForLog('no longer the leading master: standing by', 10_000, since);
    expect(String(deposed.reason)).toMatch(/not renewed within its 2 s TTL|lease lost/);
    // Its term is over: it closed the streams it held, so nothing more can come from it.
    await waitFor(async () => (await c.health(old))?.leading === false, { what: 'the old leader to say it does not lead' });
    await waitFor(() => f.disconnects.length > 0, { what: 'the old leader to close the framework stream', timeoutMs: 10_000 });
    expect(f.offers.filter((o) => o.at > electedAt)).toEqual([]);
    const onAgent = (await (await fetch(`http://127.0.0.1:${agentPort}/state`)).json()) as { frameworks: { tasks?: { id: string }[] }[] };
    expect(onAgent.frameworks.flatMap((x) => x.tasks ?? []).map((t) => t.id)).not.toContain('after-pause');
    // The TEARDOWN did not reach the registry: the framework is still there, untouched.
    const afterPause = await etcd.get(key).exec();
    expect(afterPause.kvs[0]?.mod_revision).toBe(before.kvs[0]!.mod_revision);
    expect(c.masters[old]!.logs.slice(since).filter((l) => l.msg === 'elected leader')).toEqual([]);
    const metrics = await (await fetch(`http://${c.masterAt(old)}/metrics`)).text();
    expect(metrics).toMatch(/^strata_master_elected{service="master"} 0$/m);
    expect(await (await fetch(`http://${c.masterAt(next)}/metrics`)).text()).toMatch(/^strata_master_elected{service="master"} 1$/m);
    etcd.close();
  });
});
