import { waitFor } from '@strata/lib/testing';
import { LocalCluster, ChronosProcess } from '../src';

jest.setTimeout(120_000);

const iso = (ms: number) => new Date(ms).toISOString();
const due = (taskId: string) => Number(taskId.split(':')[1]);

describe('chronos against a real master and agents', () => {
  let cluster: LocalCluster;
  let c: ChronosProcess;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 2, resources: 'cpus:4;mem:4096;disk:8192;ports:[31000-31100]' });
    c = await ChronosProcess.start(cluster, ['--failure-retry', '0.2']);
  });
  afterAll(async () => {
    await c?.stop();
    await cluster?.stop();
  });

  it('runs a job every 2 s on time, several times', async () => {
    const start = Date.now() + 1000;
    expect((await c.call('POST', '/iso8601', { name: 'tick', command: 'true', schedule: `R/${iso(start)}/PT2S`, cpus: 0.1, mem: 16 })).status).toBe(204);
    await waitFor(async () => (await c.job('tick')).successCount >= 3, { timeoutMs: 20_000, what: '3 successful runs' });
    const runs = (await c.history('tick')).sort((a, b) => due(a.taskId) - due(b.taskId));
    const dues = runs.map((r) => due(r.taskId));
    expect(dues.slice(0, 3)).toEqual([start, start + 2000, start + 4000]);
    // Never early; how late is a figure for the benchmark (npm run bench: chronos lateness).
    for (const r of runs) expect(Date.parse(r.startTime)).toBeGreaterThanOrEqual(due(r.taskId));
    await c.call('DELETE', '/job/tick');
  });

  it('runs R3 exactly three times, then disables the job', async () => {
    await c.call('POST', '/iso8601', { name: 'three', command: 'true', schedule: 'R3//PT1S', cpus: 0.1, mem: 16 });
    await waitFor(async () => (await c.job('three')).disabled === true, { timeoutMs: 20_000, what: 'R3 exhausted' });
    // No fourth run can come: the stored schedule has no repetitions left, and nothing is queued.
    const job = await c.job('three');
    expect(job.schedule).toMatch(/^R0\//);
    expect(job.successCount).toBe(3);
    expect(((await c.call('GET', '/jobs/summary')).body.jobs as { name: string; state: string }[]).find((j) => j.name === 'three')!.state).toBe('idle');
    expect(new Set((await c.history('three')).map((r) => due(r.taskId))).size).toBe(3);
  });

  it('retries a failing job `retries` times, then records it failed', async () => {
    await c.call('POST', '/iso8601', { name: 'flaky', command: 'exit 1', schedule: 'R1//PT1S', retries: 2, cpus: 0.1, mem: 16 });
    await waitFor(async () => (await c.job('flaky')).errorCount === 1, { timeoutMs: 20_000, what: 'the failure recorded' });
    const h = await c.history('flaky');
    expect(h.map((r) => r.taskId.split(':')[2]).sort()).toEqual(['0', '1', '2']);
    expect(h.every((r) => r.status === 'fail')).toBe(true);
    const j = await c.job('flaky');
    expect(j).toMatchObject({ successCount: 0, errorCount: 1, errorsSinceLastSuccess: 1 });
    expect(j.lastError).not.toBe('');
  });

  it('kills a run that takes longer than maxCompletionTime and counts it failed', async () => {
    await c.call('POST', '/iso8601', { name: 'slow', command: 'sleep 30', schedule: 'R1//PT1S', retries: 0, maxCompletionTime: 1, cpus: 0.1, mem: 16 });
    await waitFor(async () => (await c.job('slow')).errorCount === 1, { timeoutMs: 20_000, what: 'the timeout recorded as a failure' });
    const [run] = await c.history('slow');
    // Cut short: it ran nowhere near its 30 s.
    expect(Date.parse(run!.endTime) - Date.parse(run!.startTime)).toBeLessThan(30_000);
  });

  it('runs a chain A -> B -> C in order; C waits for both of its parents', async () => {
    await c.call('POST', '/iso8601', { name: 'A', command: 'sleep 0.3', schedule: 'R1/2099-01-01T00:00:00Z/PT1H', cpus: 0.1, mem: 16 });
    await c.call('POST', '/dependency', { name: 'B', command: 'sleep 0.3', parents: ['A'], cpus: 0.1, mem: 16 });
    await c.call('POST', '/dependency', { name: 'C', command: 'true', parents: ['A', 'B'], cpus: 0.1, mem: 16 });
    expect((await c.call('PUT', '/job/A')).status).toBe(204);
    await waitFor(async () => (await c.job('C')).successCount === 1, { timeoutMs: 20_000, what: 'C to run' });
    const [a] = await c.history('A');
    const [b] = await c.history('B');
    const [cc] = await c.history('C');
    expect(Date.parse(b!.startTime)).toBeGreaterThanOrEqual(Date.parse(a!.endTime));
    expect(Date.parse(cc!.startTime)).toBeGreaterThanOrEqual(Date.parse(b!.endTime));
    expect((await c.history('C')).length).toBe(1);
    const dot = (await c.call('GET', '/graph/dot')).body as string;
    expect(dot).toMatch(/^digraph G \{/);
    expect(dot).toContain('label="A"');
    const csv = (await c.call('GET', '/graph/csv')).body as string;
    expect(csv.split('\n')).toEqual(expect.arrayContaining(['node,A,success,idle', 'link,A,B', 'link,A,C', 'link,B,C']));
  });

  it('triggers a job by hand and kills its run', async () => {
    // Arguments are appended to the command (Chronos): here they land on `true`, which ignores them.
    await c.call('POST', '/iso8601', { name: 'manual', command: 'sleep 30; true', schedule: 'R1/2099-01-01T00:00:00Z/PT1H', cpus: 0.1, mem: 16 });
    await c.call('PUT', '/job/manual?arguments=--fast');
    await waitFor(async () => ((await c.call('GET', '/jobs/summary')).body.jobs.find((j: { name: string }) => j.name === 'manual')?.state ?? '').endsWith('running'), { what: 'manual run running' });
    expect((await c.call('DELETE', '/task/kill/manual')).status).toBe(204);
    await waitFor(async () => (await c.call('GET', '/jobs/summary')).body.jobs.find((j: { name: string }) => j.name === 'manual')?.state === 'idle', { what: 'killed' });
    expect(await c.job('manual')).toMatchObject({ errorCount: 0, successCount: 0 });
    expect((await c.history('manual'))[0]!.taskId).toMatch(/^ct:\d+:0:manual:--fast$/);
  });

  it('keeps every job through a SIGKILL mid-run, and neither loses nor duplicates the run', async () => {
    await c.call('POST', '/iso8601', { name: 'survivor', command: 'sleep 2', schedule: 'R1//PT1S', cpus: 0.1, mem: 16 });
    await waitFor(async () => ((await c.call('GET', '/jobs/summary')).body.jobs.find((j: { name: string }) => j.name === 'survivor')?.state ?? '').endsWith('running'), { what: 'survivor running' });
    const jobsBefore = ((await c.call('GET', '/jobs')).body as { name: string }[]).map((j) => j.name).sort();
    await c.stop('SIGKILL');
    await c.launch();
    expect(((await c.call('GET', '/jobs')).body as { name: string }[]).map((j) => j.name).sort()).toEqual(jobsBefore);
    await waitFor(async () => (await c.job('survivor')).successCount === 1, { timeoutMs: 20_000, what: 'the run that was in flight to finish' });
    const h = await c.history('survivor');
    expect(h).toHaveLength(1);
  });

  it('fetches URIs into the sandbox and honours constraints', async () => {
    const { writeFileSync } = await import('node:fs');
    const script = `${cluster.dir.path}/hello.sh`;
    writeFileSync(script, '#!/bin/sh\necho fetched\n');
    await c.call('POST', '/iso8601', { name: 'fetcher', command: './hello.sh', schedule: 'R1//PT1S', cpus: 0.1, mem: 16, retries: 0, fetch: [{ uri: `file://${script}`, executable: true }] });
    await waitFor(async () => (await c.job('fetcher')).successCount === 1, { timeoutMs: 20_000, what: 'the fetched script to run' });
    await c.call('POST', '/iso8601', { name: 'nowhere', command: 'true', schedule: 'R1//PT1S', cpus: 0.1, mem: 16, constraints: [['hostname', 'EQUALS', 'no-such-host']] });
    await c.call('POST', '/iso8601', { name: 'here', command: 'true', schedule: 'R1//PT1S', cpus: 0.1, mem: 16, constraints: [['hostname', 'LIKE', '127\\.0\\.0\\.1']] });
    await waitFor(async () => (await c.job('here')).successCount === 1, { timeoutMs: 20_000, what: 'the constrained job to run' });
    expect((await c.job('nowhere')).successCount).toBe(0);
    expect((await c.call('GET', '/jobs/summary')).body.jobs.find((j: { name: string }) => j.name === 'nowhere').state).toBe('queued');
  });

  it('mark-success and softError both let children run; deleting a parent rewires its children as Chronos does', async () => {
    await c.call('POST', '/iso8601', { name: 'P', command: 'true', schedule: 'R/2099-01-01T00:00:00Z/P1D', cpus: 0.1, mem: 16 });
    await c.call('POST', '/dependency', { name: 'K', command: 'true', parents: ['P'], cpus: 0.1, mem: 16 });
    const marked = await c.call('PUT', '/job/success/P');
    expect(marked.body).toBe('marked job P as successful: true');
    await waitFor(async () => (await c.job('K')).successCount === 1, { what: 'K after P was marked successful' });
    expect((await c.job('P')).successCount).toBe(1);

    await c.call('POST', '/iso8601', { name: 'S', command: 'exit 1', schedule: 'R1//PT1S', retries: 0, softError: true, cpus: 0.1, mem: 16 });
    await c.call('POST', '/dependency', { name: 'T', command: 'true', parents: ['S'], cpus: 0.1, mem: 16 });
    await waitFor(async () => (await c.job('T')).successCount === 1, { timeoutMs: 20_000, what: 'T after a soft error' });
    expect((await c.job('S')).errorCount).toBe(1);

    await c.call('POST', '/dependency', { name: 'D', command: 'true', parents: ['P'], cpus: 0.1, mem: 16 });
    await c.call('POST', '/dependency', { name: 'K2', command: 'true', parents: ['D'], cpus: 0.1, mem: 16 });
    expect((await c.call('DELETE', '/job/D')).status).toBe(204);
    expect((await c.job('K2')).parents).toEqual(['P']); // grandparents spliced in
    expect((await c.call('DELETE', '/job/P')).status).toBe(204);
    const k = await c.job('K');
    expect(k.parents).toBeUndefined(); // children of a schedule job take its schedule
    expect(k.schedule).toBe('R/2099-01-01T00:00:00Z/P1D');
  });

  it('refuses bad input with 400 and a message, storing nothing', async () => {
    // Its own pair for the cycle case: cyc-b depends on cyc-a, so cyc-a may not depend on cyc-b.
    expect((await c.call('POST', '/iso8601', { name: 'cyc-a', command: 'true', schedule: 'R/2030-01-01T00:00:00Z/P1D', cpus: 0.1, mem: 16 })).status).toBe(204);
    expect((await c.call('POST', '/dependency', { name: 'cyc-b', command: 'true', parents: ['cyc-a'], cpus: 0.1, mem: 16 })).status).toBe(204);
    const cases: [string, unknown, string][] = [
      ['/iso8601', { name: 'bad name!', command: 'x', schedule: 'R/2026-01-01T00:00:00Z/PT1H' }, 'name is invalid'],
      ['/iso8601', { name: 'x1', command: 'x', schedule: 'every day' }, 'Cannot parse schedule'],
      ['/iso8601', { name: 'x2', command: 'x', schedule: 'R/1960-01-01T00:00:00Z/PT1H' }, 'before 1970'],
      ['/iso8601', { name: 'x3', command: 'x', schedule: 'R/2026-01-01T00:00:00Z/PT0S' }, 'zero or negative period'],
      ['/iso8601', { name: 'x4', command: 'x', schedule: 'R/2026-01-01T00:00:00Z/PT1H', scheduleTimeZone: 'Nowhere/City' }, 'Unknown time zone'],
      ['/dependency', { name: 'x5', command: 'x', parents: ['ghost'] }, 'does not have all parents defined'],
      ['/dependency', { name: 'cyc-a', command: 'x', parents: ['cyc-b'] }, 'dependency cycle'],
      ['/iso8601', { name: 'x6', command: 'x', schedule: 'R/2026-01-01T00:00:00Z/PT1H', uris: ['http://a'], fetch: [{ uri: 'http://b' }] }, 'both uri (deprecated) and fetch'],
      ['/iso8601', '{"name": ', 'not valid JSON'],
    ];
    for (const [path, body, message] of cases) {
      const r = await c.call('POST', path, body);
      expect([message, r.status]).toEqual([message, 400]);
      expect(r.body.status).toBe('Bad Request');
      expect(r.body.message).toContain(message);
    }
    for (const n of ['x1', 'x2', 'x3', 'x4', 'x5', 'x6']) expect((await c.call('GET', `/job/${n}`)).status).toBe(400);
    expect((await c.job('cyc-a')).schedule).toBe('R/2030-01-01T00:00:00Z/P1D'); // cyc-a was not turned into a dependency job
    expect((await c.call('GET', '/job/nope')).body).toEqual({ message: "Job 'nope' not found", status: 'Bad Request' });
  });
});
