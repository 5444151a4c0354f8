import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { waitFor } from '@strata/lib/testing';
import { ChronosProcess, FrameworkProcess, LocalCluster, MarathonProcess, eventStream } from '../src';

jest.setTimeout(120_000);

/**
 * Polls `url` as fast as it can while `start` brings a service up, until it answers 200; returns
 * every answer seen. A service must answer 503 (or not at all) until its state is loaded, never
 * an empty list that a client or a health check would take for the truth.
 */
async function answersDuringStart(url: string, start: () => Promise<void>): Promise<{ status: number; body: unknown }[]> {
  const seen: { status: number; body: unknown }[] = [];
  let done = false;
  const poll = (async () => {
    const deadline = Date.now() + 30_000;
    while (!done && Date.now() < deadline) {
      try {
        const r = await fetch(url);
        const body = await r.json().catch(() => undefined);
        seen.push({ status: r.status, body });
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((res) => setTimeout(res, 2));
    }
  })();
  await start();
  await poll;
  done = true;
  return seen;
}

/** Copies one stored record under many keys (a service with a lot of state loads for a while). */
function cloneRecords(dir: string, file: string, count: number, rename: (value: any, i: number) => { key: string; value: unknown }): void {
  const rec = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  for (let i = 0; i < count; i++) {
    const { key, value } = rename(structuredClone(rec.value), i);
    writeFileSync(path.join(dir, `${key}.json`), JSON.stringify({ version: 1, value }));
  }
}

describe('Marathon behaves as upstream', () => {
  let cluster: LocalCluster;
  let m: MarathonProcess;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1 });
    m = await MarathonProcess.start(cluster);
  });
  afterAll(async () => {
    await m?.stop();
    await cluster?.stop();
  });
  const idle = () => waitFor(async () => (await m.deployments()).length === 0, { what: 'no deployments', timeoutMs: 30_000 });

  it('PUT /v2/groups?dryRun=true returns the plan and changes nothing', async () => {
    expect((await m.call('POST', '/v2/groups', { id: '/dry', apps: [{ id: 'a', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 1 }] })).status).toBe(201);
    await idle();
    const before = await m.app('/dry/a');
    const r = await m.call('PUT', '/v2/groups/dry?dryRun=true', { apps: [{ id: 'a', cmd: 'sleep 2000', cpus: 0.01, mem: 8, instances: 2 }, { id: 'b', cmd: 'sleep 1', cpus: 0.01, mem: 8 }] });
    expect(r.status).toBe(200);
    expect(r.body.steps.flatMap((s: { actions: { action: string; app: string }[] }) => s.actions)).toEqual(expect.arrayContaining([{ action: 'StartApplication', app: '/dry/b' }, { action: 'RestartApplication', app: '/dry/a' }]));
    expect(await m.deployments()).toEqual([]);
    const after = await m.app('/dry/a');
    expect([after.cmd, after.instances, after.version]).toEqual([before.cmd, before.instances, before.version]);
    expect((await m.call('GET', '/v2/apps/dry/b')).status).toBe(404);
  });

  it('PUT /v2/apps/ID with {"version": V} rolls back to version V', async () => {
    expect((await m.call('POST', '/v2/apps', { id: '/roll', cmd: 'sleep 1001', cpus: 0.01, mem: 8, instances: 1 })).status).toBe(201);
    await idle();
    const v1 = (await m.app('/roll')).version;
    expect((await m.call('PUT', '/v2/apps/roll', { cmd: 'sleep 1002', instances: 2 })).status).toBe(200);
    await idle();
    expect((await m.app('/roll')).cmd).toBe('sleep 1002');
    const r = await m.call('PUT', '/v2/apps/roll', { version: v1 });
    expect(r.status).toBe(200);
    await idle();
    const now = await m.app('/roll');
    expect([now.cmd, now.instances]).toEqual(['sleep 1001', 1]);
    expect(now.version > v1).toBe(true);
    expect((await m.call('PUT', '/v2/apps/roll', { version: '1999-01-01T00:00:00.000Z' })).status).toBe(404);
    expect((await m.call('PUT', '/v2/apps/nothere', { version: v1 })).status).toBe(404);
  });

  it("serves Marathon 1.10's embeds, event types, declined-offer reasons and text/plain tasks", async () => {
    const events = eventStream(`${m.base}/v2/events`);
    try {
      const health = [{ protocol: 'COMMAND', command: { value: 'true' }, intervalSeconds: 1, delaySeconds: 0, gracePeriodSeconds: 30 }];
      expect((await m.call('POST', '/v2/apps', { id: '/emb/web', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 1, healthChecks: health })).status).toBe(201);
      await waitFor(() => events.frames.some((f) => f.event === 'add_health_check_event' && f.data.appId === '/emb/web'), { what: 'add_health_check_event' });
      await waitFor(async () => (await m.app('/emb/web')).tasksHealthy === 1, { what: 'healthy', timeoutMs: 30_000 });
      await waitFor(() => events.frames.some((f) => f.event === 'instance_health_changed_event' && f.data.runSpecId === '/emb/web' && f.data.healthy === true), { what: 'instance_health_changed_event' });
      const list = (await m.call('GET', '/v2/apps?embed=apps.taskStats&embed=apps.readiness&embed=apps.failures&embed=apps.nonsense')).body.apps.find((a: { id: string }) => a.id === '/emb/web');
      expect(list.taskStats.totalSummary.stats.counts).toMatchObject({ running: 1, healthy: 1 });
      expect(list.taskStats.withLatestConfig.stats.counts.running).toBe(1);
      expect(list.readinessCheckResults).toEqual([]);
      expect(list.tasks).toHaveLength(1);
      const plain = (await m.call('GET', '/v2/apps')).body.apps.find((a: { id: string }) => a.id === '/emb/web');
      expect(plain.tasks).toBeUndefined();
      expect(plain.deployments).toBeDefined(); // counts and deployments always (legacy)
      const group = (await m.call('GET', '/v2/groups/emb?embed=group.apps&embed=group.apps.tasks')).body;
      expect(group.apps[0].tasks).toHaveLength(1);
      expect((await m.call('GET', '/v2/groups?embed=group.groups')).body.apps).toEqual([]);

      expect((await m.call('POST', '/v2/apps', { id: '/emb/huge', cmd: 'sleep 1', cpus: 1000, mem: 8 })).status).toBe(201);
      const summary = await waitFor(async () => {
        const q = ((await m.call('GET', '/v2/queue')).body.queue as { app: { id: string }; processedOffersSummary: { rejectSummaryLastOffers: { reason: string; declined: number }[] } }[]).find((x) => x.app.id === '/emb/huge');
        const s = q?.processedOffersSummary.rejectSummaryLastOffers;
        return s?.find((r) => r.reason === 'InsufficientCpus')?.declined ? s : undefined;
      }, { what: 'a declined offer counted as InsufficientCpus', timeoutMs: 30_000 });
      expect(summary.map((r) => r.reason)).toEqual(['UnfulfilledRole', 'UnfulfilledConstraint', 'NoCorrespondingReservationFound', 'AgentMaintenance', 'InsufficientCpus', 'InsufficientMemory', 'InsufficientDisk', 'InsufficientGpus', 'InsufficientPorts', 'DeclinedScarceResources']);
      expect((await m.call('DELETE', '/v2/apps/emb/huge')).status).toBe(200);

      const txt = await (await fetch(`${m.base}/v2/tasks`, { headers: { Accept: 'text/plain' } })).text();
      const task = (await m.call('GET', '/v2/apps/emb/web/tasks')).body.tasks[0];
      expect(txt).toContain(`emb_web\t${(await m.app('/emb/web')).portDefinitions[0].port}\t${task.host}:${task.ports[0]}\t\n`);

      expect((await m.call('PUT', '/v2/apps/emb/web', { healthChecks: [] })).status).toBe(200);
      await waitFor(() => events.frames.some((f) => f.event === 'remove_health_check_event' && f.data.appId === '/emb/web'), { what: 'remove_health_check_event' });
      await idle();
    } finally {
      events.close();
    }
  });

  it('keeps the group tree a tree when the last app of a nested group is deleted', async () => {
    // Only /tree/inner has a record: /tree exists because something is below it.
    expect((await m.call('POST', '/v2/groups', { id: '/tree/inner', apps: [{ id: 'x', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 0 }] })).status).toBe(201);
    await idle();
    expect((await m.call('DELETE', '/v2/apps/tree/inner/x')).status).toBe(200);
    await waitFor(async () => (await m.call('GET', '/v2/apps/tree/inner/x')).status === 404, { what: 'the app gone' });
    const outer = await m.call('GET', '/v2/groups/tree');
    expect(outer.status).toBe(200);
    expect(outer.body.groups.map((g: { id: string }) => g.id)).toEqual(['/tree/inner']);
    expect((await m.call('GET', '/v2/groups')).body.groups.map((g: { id: string }) => g.id)).toContain('/tree');
    expect((await m.call('DELETE', '/v2/groups/tree?force=true')).status).toBe(200);
    await waitFor(async () => (await m.call('GET', '/v2/groups/tree/inner')).status === 404, { what: 'the inner group gone with its parent' });
    expect((await m.call('GET', '/v2/groups/tree')).status).toBe(404);
    expect((await m.call('POST', '/v2/groups', { id: '/tree/inner', apps: [] })).status).toBe(201);
    expect((await m.call('GET', '/v2/groups/tree')).status).toBe(200);
    await idle();
  });

  it('answers 503, never an empty list, until its state is loaded after a restart', async () => {
    const dir = path.join(cluster.dir.path, 'marathon', 'apps');
    const file = readdirSync(dir).find((f) => f.startsWith('roll'))!;
    cloneRecords(dir, file, 400, (app, i) => ({ key: `bulk${i}`, value: { ...app, id: `/bulk${i}`, instances: 0 } }));
    await m.stop();
    const seen = await answersDuringStart(`http://127.0.0.1:${new URL(m.base).port}/v2/apps`, () => m.launch());
    const ok = seen.filter((s) => s.status === 200);
    expect(ok).toHaveLength(1);
    expect((ok[0]!.body as { apps: unknown[] }).apps.length).toBeGreaterThanOrEqual(402);
    expect(seen.every((s) => s.status === 200 || s.status === 503)).toBe(true);
  });
});

/** A cluster of `agents` agents and a Chronos on it, for one describe block. */
function chronosCluster(agents: number): { cluster: LocalCluster; c: ChronosProcess } {
  const env = {} as { cluster: LocalCluster; c: ChronosProcess };
  beforeAll(async () => {
    env.cluster = await LocalCluster.start({ agents });
    env.c = await ChronosProcess.start(env.cluster);
  });
  afterAll(async () => {
    await env.c?.stop();
    await env.cluster?.stop();
  });
  return env;
}

describe('Chronos behaves as upstream', () => {
  const env = chronosCluster(0);

  it('skips a run queued on time that could not launch within epsilon', async () => {
    // No agent yet: the first occurrence is queued on time and cannot launch.
    const t0 = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    const schedule = `R2/${new Date(t0).toISOString()}/PT12S`;
    expect((await env.c.call('POST', '/iso8601', { name: 'late', command: 'true', schedule, epsilon: 'PT2S', cpus: 0.1, mem: 16 })).status).toBe(204);
    await waitFor(async () => ((await env.c.call('GET', '/jobs/summary')).body.jobs as { name: string; state: string }[]).find((j) => j.name === 'late')?.state === 'queued', { what: 'the first run queued' });
    await waitFor(() => Date.now() > t0 + 3000, { what: 'epsilon to pass', timeoutMs: 10_000, intervalMs: 100 });
    await env.cluster.startAgent(0, 'cpus:2;mem:1024;disk:1024;ports:[31000-31100]');
    // The second occurrence runs; the first, past its window, never does.
    await waitFor(async () => (await env.c.history('late')).length >= 1 && (await env.c.job('late')).successCount >= 1, { what: 'the second run', timeoutMs: 30_000 });
    const runs = await env.c.history('late');
    expect(runs.map((r) => r.taskId.split(':')[1])).toEqual([String(t0 + 12_000)]);
  });

  it('answers 503, never an empty list, until its state is loaded after a restart', async () => {
    const dir = path.join(env.cluster.dir.path, 'chronos', 'jobs');
    cloneRecords(dir, 'late.json', 400, (job, i) => ({ key: `bulk${i}`, value: { ...job, name: `bulk${i}`, disabled: true } }));
    await env.c.stop();
    const seen = await answersDuringStart(`http://127.0.0.1:${new URL(env.c.base).port}/v1/scheduler/jobs`, () => (env.c as FrameworkProcess).launch());
    const ok = seen.filter((s) => s.status === 200);
    expect(ok).toHaveLength(1);
    expect((ok[0]!.body as unknown[]).length).toBe(401);
    expect(seen.every((s) => s.status === 200 || s.status === 503)).toBe(true);
  });
});

describe('Chronos schedules and triggers as upstream', () => {
  const env = chronosCluster(1);
  const successes = async (name: string) => (await env.c.history(name)).filter((h) => h.status === 'success').length;

  it('advances the stored schedule after each run: R3/start/P becomes R2/next/P', async () => {
    const t0 = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    const iso = (t: number) => new Date(t).toISOString();
    expect((await env.c.call('POST', '/iso8601', { name: 'count', command: 'true', schedule: `R3/${iso(t0)}/PT3S`, cpus: 0.1, mem: 16 })).status).toBe(204);
    await waitFor(async () => (await env.c.job('count')).schedule === `R2/${iso(t0 + 3000)}/PT3S`, { what: 'R2 after the first run', timeoutMs: 15_000 });
    // A client sending the job back as it reads it, or as it first set it, changes nothing.
    const shown = await env.c.job('count');
    expect((await env.c.call('PUT', '/iso8601', shown)).status).toBe(204);
    expect((await env.c.job('count')).schedule).toBe(`R2/${iso(t0 + 3000)}/PT3S`);
    await waitFor(async () => (await successes('count')) === 3, { what: 'three runs', timeoutMs: 20_000 });
    expect((await env.c.job('count')).schedule).toMatch(/^R0\//);
    expect((await env.c.history('count')).map((h) => Number(h.taskId.split(':')[1]))).toEqual([t0, t0 + 3000, t0 + 6000]);
  });

  it('drops a trigger sent while the job is disabled', async () => {
    expect((await env.c.call('POST', '/iso8601', { name: 'off', command: 'true', schedule: 'R/2035-01-01T00:00:00Z/PT1H', disabled: true, cpus: 0.1, mem: 16 })).status).toBe(204);
    expect((await env.c.call('PUT', '/job/off')).status).toBe(204);
    expect(((await env.c.call('GET', '/jobs/summary')).body.jobs as { name: string; state: string }[]).find((j) => j.name === 'off')!.state).toBe('idle');
    const job = await env.c.job('off');
    expect((await env.c.call('PUT', '/iso8601', { ...job, disabled: false })).status).toBe(204);
    // Enabled, it runs when triggered now, and had nothing waiting from before.
    expect(((await env.c.call('GET', '/jobs/summary')).body.jobs as { name: string; state: string }[]).find((j) => j.name === 'off')!.state).toBe('idle');
    expect((await env.c.call('PUT', '/job/off')).status).toBe(204);
    await waitFor(async () => (await successes('off')) === 1, { what: 'the trigger after enabling', timeoutMs: 15_000 });
    expect(await env.c.history('off')).toHaveLength(1);
  });

  it('runs every missed occurrence still inside epsilon, not only the latest', async () => {
    const start = Date.now() - 25_000;
    expect((await env.c.call('POST', '/iso8601', { name: 'missed', command: 'true', schedule: `R/${new Date(start).toISOString()}/PT10S`, epsilon: 'PT1M', cpus: 0.1, mem: 16 })).status).toBe(204);
    await waitFor(async () => (await successes('missed')) >= 3, { what: 'the three missed occurrences', timeoutMs: 20_000 });
    const dues = (await env.c.history('missed')).map((h) => Number(h.taskId.split(':')[1])).slice(0, 3);
    expect(dues).toEqual([start, start + 10_000, start + 20_000]);
  });
});
