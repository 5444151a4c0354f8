import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { waitFor } from '@strata/lib/testing';
import { ChronosProcess, LocalCluster, deepJson, refused } from '../src';

jest.setTimeout(120_000);

function rawRequest(method: string, url: string): Promise<{ status: number; body: unknown }> {
  const u = new URL(url);
  const p = url.slice(url.indexOf('/', 'http://'.length));
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path: p }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject).end();
  });
}

/**
 * Chronos's bad-input suite: after each refused request Chronos is up and its jobs, the graph
 * and the summary are unchanged; a restart at the end loads exactly what it had.
 */
describe('chronos refuses hostile input and keeps its state', () => {
  let cluster: LocalCluster;
  let c: ChronosProcess;
  const marker = path.join('/tmp', `strata-injected-${process.pid}-${Date.now()}`);

  const snapshot = async () => ({
    jobs: ((await c.call('GET', '/jobs')).body as { name: string; schedule?: string; parents?: string[]; command: string }[]).map((j) => ({ name: j.name, schedule: j.schedule, parents: j.parents, command: j.command })).sort((a, b) => (a.name < b.name ? -1 : 1)),
    dot: (await c.call('GET', '/graph/dot')).body,
  });
  const alive = async () => !c.proc.exit && (await c.call('GET', '/jobs')).status === 200;
  const refuse = (status: number, send: () => Promise<{ status: number; body: any }>, body?: (b: any) => void) => refused({ send, status, snapshot, alive, body });
  const postJob = (job: Record<string, unknown>, kind = 'iso8601') => () => c.call('POST', `/${kind}`, { command: 'true', ...job });
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1 });
    c = await ChronosProcess.start(cluster);
    expect((await c.call('POST', '/iso8601', { name: 'keep', command: 'echo kept', schedule: 'R/2030-01-01T00:00:00Z/PT1H' })).status).toBe(204);
    expect((await c.call('POST', '/iso8601', { name: 'echoer', command: 'echo', schedule: 'R1/2030-01-01T00:00:00Z/PT1H' })).status).toBe(204);
    before = await snapshot();
  });
  afterAll(async () => {
    await c?.stop();
    await cluster?.stop();
  });

  it('passes trigger arguments as words, never as shell syntax', async () => {
    let runs = 0;
    for (const args of [`x && touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, `x; touch ${marker}`, `'; touch ${marker}; '`, `x | touch ${marker}`]) {
      expect((await c.call('PUT', `/job/echoer?arguments=${encodeURIComponent(args)}`)).status).toBe(204);
      // One at a time: a trigger while a run is queued is dropped (Chronos 3.x).
      runs++;
      await waitFor(async () => (await c.history('echoer')).filter((h) => h.status === 'success').length >= runs, { what: `run ${runs} finished`, timeoutMs: 20_000 });
    }
    expect(existsSync(marker)).toBe(false);
    // The words arrived as arguments: echo printed them literally.
    const agentDir = path.join(cluster.dir.path, 'agent-0');
    const out = execFileSync('find', [agentDir, '-name', 'stdout', '-exec', 'cat', '{}', '+'], { encoding: 'utf8' });
    expect(out).toContain(`x && touch ${marker}`);
    expect(out).toContain(`$(touch ${marker})`);
    await refuse(400, () => c.call('PUT', '/job/echoer?arguments=a&arguments=b'));
    await refuse(400, () => c.call('PUT', `/job/echoer?arguments=${'x'.repeat(5000)}`));
  });

  it('validates names before storing anything, and answers truthfully', async () => {
    for (const name of ['.', '..', 'a'.repeat(5000), 'a/b', '', 'a b', '../x']) await refuse(400, postJob({ name, schedule: 'R/2030-01-01T00:00:00Z/PT1H' }));
    await refuse(400, postJob({ name: 'child', parents: ['.'] }, 'dependency'));
    // fetch() normalises dot segments away: send these paths byte for byte.
    for (const name of ['.', '..', '%2E']) await refuse(400, () => rawRequest('DELETE', `${c.base}/job/${name}`));
    await refuse(400, () => c.call('PUT', '/job/success/UNKNOWN'));
    await refuse(400, () => c.call('DELETE', '/job/UNKNOWN'));
  });

  it('refuses absurd schedules, constraints, fetches and output files', async () => {
    const schedules = ['R/+099999-01-01T00:00:00Z/PT1H', 'R1000000000/2030-01-01T00:00:00Z/PT0.001S', 'R/2030-01-01T00:00:00Z/P99999999Y', 'R/2030-01-01T00:00:00+25:00/PT1H', 'R12345678901234567890123/2030-01-01T00:00:00Z/PT1H', 'R/2030-01-01T00:00:00Z/PT0S', 'R/1960-01-01T00:00:00Z/PT1H'];
    for (const schedule of schedules) await refuse(400, postJob({ name: 'absurd', schedule }), (b) => expect(b.status).toBe('Bad Request'));
    await refuse(400, postJob({ name: 'absurd', schedule: 'R/2030-01-01T00:00:00Z/PT1H', epsilon: 'P99999Y' }));
    for (const constraints of [[['hostname', 'FOO', 'x']], [['hostname', 'LIKE', '(']], [['hostname']], 'x']) await refuse(400, postJob({ name: 'absurd', schedule: 'R/2030-01-01T00:00:00Z/PT1H', constraints }));
    for (const fetch of [[null], [5], [{}], [{ uri: 'file:///etc/hosts', output_file: '../../x' }], [{ uri: 'file:///etc/hosts', output_file: '/etc/x' }], {}]) await refuse(400, postJob({ name: 'absurd', schedule: 'R/2030-01-01T00:00:00Z/PT1H', fetch }));
    await refuse(400, postJob({ name: 'absurd', schedule: 'R/2030-01-01T00:00:00Z/PT1H', environmentVariables: [null] }));
  });

  it('limits JSON depth at the boundary; list endpoints keep working', async () => {
    for (const depth of [100, 10_000]) await refuse(400, () => c.call('POST', '/iso8601', `{"name":"deep","command":"true","schedule":"R/2030-01-01T00:00:00Z/PT1H","container":${deepJson(depth)}}`));
    for (const p of ['/jobs', '/jobs/summary', '/graph/dot', '/graph/csv']) expect((await c.call('GET', p)).status).toBe(200);
  });

  it('sends no CORS header unless configured', async () => {
    const r = await fetch(`${c.base}/jobs`, { headers: { Origin: 'http://evil.example' } });
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('loads after a restart exactly what it had', async () => {
    await c.stop();
    await c.launch();
    expect(await snapshot()).toEqual(before);
    expect(readFileSync(path.join(cluster.dir.path, 'chronos', 'jobs', 'keep.json'), 'utf8')).toContain('echo kept');
  });
});
