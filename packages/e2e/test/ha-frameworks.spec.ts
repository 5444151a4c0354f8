import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { waitFor } from '@strata/lib/testing';
import { ChronosProcess, HaCluster, MarathonProcess } from '../src';
import { checkChronosRuns, parseRunLines, type ScheduledJob } from '@strata/chaos';

jest.setTimeout(180_000);

const iso = (ms: number) => new Date(ms).toISOString();

describe('Marathon and Chronos with a standby each, on etcd', () => {
  let c: HaCluster;
  const procs: { stop(s?: NodeJS.Signals): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop()));
    await c?.stop();
  });

  /** Both instances of a service, and which of them leads (as GET /v2/leader or /leader says, on both). */
  async function pair<P extends MarathonProcess | ChronosProcess>(start: () => Promise<P>, leaderPath: string): Promise<{ all: P[]; leader(): Promise<P> }> {
    const all = [await start(), await start()];
    procs.push(...all);
    const portOf = (p: P) => new URL(p.base).port;
    const leader = async () =>
      waitFor(async () => {
        const live = all.filter((p) => !p.proc.exit);
        const answers = await Promise.all(live.map((p) => p.call('GET', leaderPath).catch(() => undefined)));
        const leaders = new Set(answers.map((a) => (a?.status === 200 ? String(a.body.leader) : undefined)));
        const named = leaders.size === 1 ? [...leaders][0] : undefined;
        return named ? live.find((p) => named.endsWith(`:${portOf(p)}`)) : undefined;
      }, { what: 'one live leader named by every live instance', timeoutMs: 20_000 });
    return { all, leader };
  }

  it('Marathon: the standby proxies the API (a write lands once), and finishes a rolling upgrade of 10 after the leader is SIGKILLed, within the strategy bounds, killing only the old tasks', async () => {
    c = await HaCluster.start({ masters: 1, agents: 2, resources: 'cpus:4;mem:4096;ports:[31000-31200]' });
    const gates = path.join(c.dir.path, 'gates');
    mkdirSync(gates);
    writeFileSync(path.join(gates, 'v1'), 'ok');
    const m = await pair(() => MarathonProcess.start(c, c.haArgs), '/v2/leader');
    const leader = await m.leader();
    const standby = m.all.find((p) => p !== leader)!;
    await waitFor(async () => (await leader.call('GET', '/v2/info')).body.frameworkId, { what: 'the leader subscribed' });

    // Through the standby: proxied to the leader, answered by it, written once.
    const health = [{ protocol: 'COMMAND', command: { value: 'test -e "$HEALTHY_FILE"' }, intervalSeconds: 1, delaySeconds: 0, gracePeriodSeconds: 120 }];
    const N = 10;
    const created = await standby.call('POST', '/v2/apps', { id: '/roll', cmd: 'sleep 100000', cpus: 0.01, mem: 8, instances: N, env: { HEALTHY_FILE: path.join(gates, 'v1') }, healthChecks: health, upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0.2 } });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-marathon-leader')).toBe(`http://${(await leader.call('GET', '/v2/leader')).body.leader}`);
    expect((await leader.call('GET', '/v2/apps/roll/versions')).body.versions).toHaveLength(1);
    expect((await standby.call('GET', '/v2/leader')).body.leader).toBe((await leader.call('GET', '/v2/leader')).body.leader);
    await waitFor(async () => (await leader.call('GET', '/v2/apps/roll')).body.app.tasksHealthy === N && (await leader.deployments()).length === 0, { timeoutMs: 60_000, what: 'v1 healthy' });

    // Sample the truth throughout: tasks running on the agents (the master's view), and how many
    // of them pass their check (a v1 task always; a v2 task once its gate is open).
    const running = async () => (await c.state()).frameworks.filter((f) => f.name === 'marathon').flatMap((f) => f.tasks).filter((t) => t.state === 'TASK_RUNNING').map((t) => t.id);
    const v1 = new Set(await running());
    expect(v1.size).toBe(N);
    let gate2 = false;
    const seen = new Set<string>(v1);
    const violations: string[] = [];
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const ids = await running().catch(() => undefined);
        if (ids) {
          samples++;
          for (const id of ids) seen.add(id);
          const healthy = ids.filter((id) => v1.has(id) || gate2).length;
          if (healthy < Math.ceil(N * 0.5)) violations.push(`${healthy} healthy of ${ids.length}`);
          if (ids.length > Math.floor(N * 1.2)) violations.push(`${ids.length} running`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    expect((await standby.call('PUT', '/v2/apps/roll', { env: { HEALTHY_FILE: path.join(gates, 'v2') } })).status).toBe(200);
    // The upgrade is under way: new tasks started, some old ones replaced.
    await waitFor(async () => (await running()).filter((id) => !v1.has(id)).length >= 2, { what: 'new tasks running', timeoutMs: 30_000 });
    await leader.stop('SIGKILL');
    const next = await m.leader();
    expect(next === standby).toBe(true);
    await waitFor(async () => (await next.call('GET', '/v2/info')).body.frameworkId, { what: 'the standby took over', timeoutMs: 20_000 });
    expect((await next.deployments()).some((d) => d.affectedApps.includes('/roll'))).toBe(true);

    writeFileSync(path.join(gates, 'v2'), 'ok');
    gate2 = true;
    await waitFor(async () => (await next.deployments()).length === 0, { timeoutMs: 90_000, what: 'the deployment to finish on the new leader' });
    await waitFor(async () => (await running()).length === N && (await running()).every((id) => !v1.has(id)), { what: '10 new tasks', timeoutMs: 30_000 });
    sampling = false;
    await sampler;
    const final = await running();
    // The sampler may not have looked since the last new task came up.
    for (const id of final) seen.add(id);
    expect(violations).toEqual([]);
    expect(samples).toBeGreaterThan(20);
    // Killed: exactly the ten old tasks; every new task started is still running.
    const started = [...seen].filter((id) => !v1.has(id));
    expect(started.sort()).toEqual([...final].sort());
    expect((await next.call('GET', '/v2/apps/roll')).body.app).toMatchObject({ instances: N, tasksRunning: N, tasksHealthy: N });
  });

  it('Chronos: 20 jobs every 2 s through a SIGKILL of the leader: every due run met by a distinct run inside its window, none twice', async () => {
    c = await HaCluster.start({ masters: 1, agents: 2, resources: 'cpus:8;mem:8192;ports:[31000-31200]' });
    const runsFile = path.join(c.dir.path, 'runs.log');
    writeFileSync(runsFile, '');
    const ch = await pair(() => ChronosProcess.start(c, c.haArgs), '/leader');
    const leader = await ch.leader();
    const standby = ch.all.find((p) => p !== leader)!;
    await waitFor(() => leader.proc.logs.some((l) => l.msg === 'leading: state loaded, subscribed'), { what: 'the leader subscribed' });
    const start = Math.ceil((Date.now() + 4_000) / 1000) * 1000;
    const jobs: ScheduledJob[] = [];
    for (let i = 0; i < 20; i++) {
      const name = `job${i}`;
      const command = `s=$(date +%s%3N); sleep 0.2; echo "${name} $s $(date +%s%3N)" >> ${runsFile}`;
      // Half through the standby: proxied, and each lands once.
      const via = i % 2 ? standby : leader;
      const r = await via.call('POST', '/iso8601', { name, command, schedule: `R/${iso(start)}/PT2S`, epsilon: 'PT5S', cpus: 0.01, mem: 8 });
      expect(r.status).toBe(204);
      jobs.push({ name, start, intervalMs: 2_000, epsilonMs: 5_000, durationMs: 1_000 });
    }
    expect(((await leader.call('GET', '/jobs')).body as unknown[]).length).toBe(20);
    await waitFor(() => parseRunLines(readFileSync(runsFile, 'utf8')).length >= 40, { what: 'two rounds of runs', timeoutMs: 30_000 });
    await leader.stop('SIGKILL');
    const next = await ch.leader();
    expect(next === standby).toBe(true);
    // Runs go on under the new leader for a while.
    const killedAt = Date.now();
    await waitFor(() => parseRunLines(readFileSync(runsFile, 'utf8')).filter((r) => r.start > killedAt + 12_000).length >= 40, { what: 'runs after the failover', timeoutMs: 50_000 });
    const readAt = Date.now();
    const verdict = checkChronosRuns(jobs, parseRunLines(readFileSync(runsFile, 'utf8')), { readAt, slackMs: 1_000 });
    const targets = Object.values(verdict.jobs).reduce((n, j) => n + j.targets, 0);
    // Every job's targets span the failover: due before the kill, while no leader led, and after.
    const spanning = (job: ScheduledJob) => checkChronosRuns([job], [], { readAt, slackMs: 1_000 }).jobs[job.name]!.missed.map((t) => t.due);
    for (const job of jobs) expect(spanning(job).some((d) => d < killedAt) && spanning(job).some((d) => d > killedAt + 3_000)).toBe(true);
    expect({ missed: verdict.missed, extra: verdict.extra, bad: Object.entries(verdict.jobs).filter(([, j]) => j.missed.length || j.extra.length) }).toEqual({ missed: 0, extra: 0, bad: [] });
    process.stdout.write(`chronos failover: ${targets} targets, ${verdict.missed} missed, ${verdict.extra} extra\n`);
  });
});
