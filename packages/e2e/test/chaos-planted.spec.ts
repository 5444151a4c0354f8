import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { waitFor } from '@strata/lib/testing';
import { History, checkChronos, checkMarathon, parseRunLines, readingOf, type ScheduledJob } from '@strata/chaos';
import { ChronosProcess, HaCluster, MarathonProcess } from '../src';
import type { FrameworkProcess } from '../src/framework-process';

jest.setTimeout(180_000);

/**
 * The chaos run's checkers catch the bugs they exist for: each service is run with a bug planted
 * on purpose (STRATA_TEST_HOOKS), through a leader failover, and the matching checker must name
 * the operation that shows it; the same steps without the bug must pass.
 */
describe('planted bugs are caught by the chaos checkers', () => {
  let c: HaCluster | undefined;
  const procs: FrameworkProcess[] = [];
  afterEach(async () => {
    delete process.env.STRATA_TEST_HOOKS;
    await Promise.all(procs.splice(0).map((p) => p.stop()));
    await c?.stop();
    c = undefined;
  });

  async function pair<P extends FrameworkProcess>(start: () => Promise<P>, leaderPath: string) {
    const all = [await start(), await start()];
    procs.push(...all);
    const leader = () =>
      waitFor(async () => {
        for (const p of all.filter((x) => !x.proc.exit)) {
          const r = await p.call('GET', leaderPath).catch(() => undefined);
          const named = r?.status === 200 ? String(r.body.leader) : '';
          const found = all.find((x) => !x.proc.exit && named.endsWith(`:${new URL(x.base).port}`));
          if (found) return found;
        }
        return undefined;
      }, { what: 'a live leader', timeoutMs: 20_000 });
    return { all, leader };
  }

  it.each([
    ['with marathon.forget-scale planted, the Marathon checker reports the acknowledged scale', 'marathon.forget-scale'],
    ['without it, the same history is valid', ''],
  ])('Marathon: %s', async (_what, hook) => {
    if (hook) process.env.STRATA_TEST_HOOKS = hook;
    c = await HaCluster.start({ masters: 1, agents: 1, resources: 'cpus:4;mem:4096;ports:[31000-31100]' });
    const m = await pair(() => MarathonProcess.start(c!, c!.haArgs), '/v2/leader');
    const leader = await m.leader();
    const h = new History(0, () => Date.now());
    const apps = async (via: FrameworkProcess) => ((await via.call('GET', '/v2/apps')).body.apps as unknown[]).map(readingOf);
    const op = async (f: string, value: Record<string, unknown>, body: () => Promise<{ status: number }>) => {
      const o = h.invoke('marathon', f, value);
      const r = await body();
      h.complete(o, r.status < 300 ? 'ok' : 'fail', r.status);
      expect(r.status).toBeLessThan(300);
      return o;
    };
    await op('app-create', { appId: '/planted', spec: { instances: 1, version: 'v1' } }, () =>
      leader.call('POST', '/v2/apps', { id: '/planted', cmd: 'sleep 3600', cpus: 0.05, mem: 16, instances: 1, env: { CHAOS_VERSION: 'v1' }, portDefinitions: [] }));
    await waitFor(async () => (await leader.app('/planted'))?.tasksRunning === 1, { what: 'the app running' });
    const scale = await op('app-scale', { appId: '/planted', instances: 3 }, () => leader.call('PUT', '/v2/apps/planted', { instances: 3 }));
    await waitFor(async () => (await leader.app('/planted'))?.tasksRunning === 3 && !(await leader.deployments()).length, { what: 'scaled to 3' });
    h.observe('marathon-apps', 'leader', await apps(leader));

    const fault = h.fault('kill-leader', ['marathon'], 'SIGKILL of the leading Marathon');
    await leader.stop('SIGKILL');
    const next = await m.leader();
    h.healed(fault);
    await waitFor(async () => (await next.call('GET', '/v2/apps')).status === 200 && !(await next.deployments()).length, { what: 'the new leader settled' });
    h.observe('marathon-final', 'new leader', await apps(next));

    const v = checkMarathon(h.entries);
    if (hook) {
      expect(v.valid).toBe(false);
      // The lost count itself, named by the scale's operation (the successor also still runs the 3 it inherited).
      expect(v.violations).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'acknowledged-change-lost', subject: '/planted', op: scale.index })]));
    } else {
      expect(v.violations).toEqual([]);
      expect(v.checked).toMatchObject({ apps_judged: 1, acknowledged: 2 });
    }
  });

  it.each([
    ['with chronos.drop-run-after-failover planted, the Chronos checker reports the dropped runs', 'chronos.drop-run-after-failover'],
    ['without it, the same history is valid', ''],
  ])('Chronos: %s', async (_what, hook) => {
    if (hook) process.env.STRATA_TEST_HOOKS = hook;
    c = await HaCluster.start({ masters: 1, agents: 2, resources: 'cpus:4;mem:4096;ports:[31000-31100]' });
    const runsDir = path.join(c.dir.path, 'runs');
    mkdirSync(runsDir);
    const ch = await pair(() => ChronosProcess.start(c!, c!.haArgs), '/leader');
    const leader = await ch.leader();
    await waitFor(() => leader.proc.logs.some((l) => l.msg === 'leading: state loaded, subscribed'), { what: 'the leader subscribed' });
    const h = new History(0, () => Date.now());
    const start = Math.ceil((Date.now() + 3_000) / 1000) * 1000;
    const creates = [];
    for (let i = 0; i < 3; i++) {
      const job: ScheduledJob = { name: `planted${i}`, start, intervalMs: 6_000, epsilonMs: 4_000, durationMs: 1_000 };
      const command = `s=$(date +%s%3N); sleep 0.2; echo "${job.name} $s $(date +%s%3N)" >> ${runsDir}/$HOST.log`;
      const o = h.invoke('chronos', 'job-create', job);
      const r = await leader.call('POST', '/iso8601', { name: job.name, command, schedule: `R/${new Date(start).toISOString()}/PT6S`, epsilon: 'PT4S', cpus: 0.01, mem: 8 });
      h.complete(o, r.status === 204 ? 'ok' : 'fail', r.status);
      expect(r.status).toBe(204);
      creates.push(o);
    }
    const runs = () => readdirSync(runsDir).flatMap((f) => parseRunLines(readFileSync(path.join(runsDir, f), 'utf8')));
    await waitFor(() => runs().length >= 6, { what: 'two rounds of runs', timeoutMs: 40_000 });
    const fault = h.fault('kill-leader', ['chronos'], 'SIGKILL of the leading Chronos');
    await leader.stop('SIGKILL');
    const next = await ch.leader();
    h.healed(fault);
    const killedAt = Date.now();
    await waitFor(() => runs().filter((r) => r.start > killedAt + 14_000).length >= 3, { what: 'runs well after the failover', timeoutMs: 40_000 });
    const readAt = Date.now();
    h.observe('chronos-runs', 'agents', runs().filter((r) => r.start <= readAt), readAt);
    // The counts and the runs read together until they agree (a run's end may be a moment from
    // Chronos); if they never do, the last pair goes to the checker, which says how they differ.
    let counts = { jobs: [] as { name: string; successCount: number; errorCount: number }[], all: runs() };
    await waitFor(async () => {
      counts = { jobs: (await next.call('GET', '/jobs')).body, all: runs() };
      const done = (name: string) => counts.all.filter((r) => r.job === name && r.end !== undefined).length;
      return counts.jobs.every((j) => j.successCount === done(j.name));
    }, { what: 'the counts to catch up with the runs', timeoutMs: 20_000 }).catch(() => undefined);
    h.observe('chronos-final', 'chronos', counts.jobs);
    h.observe('chronos-runs-all', 'agents', counts.all);

    // Windows [due, due + 4 s + 1.5 s] shorter than the 6 s interval: a dropped run cannot hide behind the next one.
    const v = checkChronos(h.entries, { slackMs: 1_500 });
    expect(v.checked.targets).toBeGreaterThanOrEqual(9);
    if (hook) {
      expect(v.valid).toBe(false);
      const missed = v.violations.filter((x) => x.kind === 'run-missed');
      // One dropped run per job, each named with the job's create.
      expect({ missed: missed.map((x) => x.op).sort(), others: v.violations.filter((x) => x.kind !== 'run-missed') }).toEqual({ missed: creates.map((o) => o.index).sort(), others: [] });
    } else {
      expect(v.violations).toEqual([]);
    }
  });
});
