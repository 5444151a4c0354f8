import { waitFor } from '@strata/lib/testing';
import { LocalCluster, MarathonProcess, deepJson, eventStream, refused } from '../src';

jest.setTimeout(120_000);

/**
 * Marathon's bad-input suite: every class of hostile input from the "Hostile input" issue, each
 * with several values. After each request Marathon must be up and, when it refused, unchanged;
 * a restart at the end must load exactly what was there before (nothing refused was stored).
 */
describe('marathon refuses hostile input and keeps its state', () => {
  let cluster: LocalCluster;
  let m: MarathonProcess;

  const apps = async () => ((await m.call('GET', '/v2/apps')).body.apps as { id: string; version: string; instances: number; dependencies: string[] }[]).map((a) => ({ id: a.id, version: a.version, instances: a.instances, dependencies: a.dependencies }));
  const groups = async () => {
    const strip = (g: any): unknown => ({ id: g.id, dependencies: g.dependencies, apps: g.apps.map((a: { id: string }) => a.id), groups: g.groups.map(strip) });
    return strip((await m.call('GET', '/v2/groups')).body);
  };
  const snapshot = async () => ({ apps: await apps(), groups: await groups(), deployments: (await m.deployments()).map((d) => d.id).sort() });
  const alive = async () => !m.proc.exit && (await m.call('GET', '/ping')).status === 200;
  const refuse = (status: number | number[], send: () => Promise<{ status: number; body: any }>, body?: (b: any) => void) => refused({ send, status, snapshot, alive, body });
  const post = (path: string, body: unknown) => () => m.call('POST', path, body);
  const put = (path: string, body: unknown) => () => m.call('PUT', path, body);
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:4;mem:4096;ports:[31000-31100]' });
    m = await MarathonProcess.start(cluster, ['--max-instances-per-app', '2000', '--max-event-streams', '3']);
    expect((await m.call('POST', '/v2/apps', { id: '/keep/web', cmd: 'sleep 1000', cpus: 0.1, mem: 16, instances: 1, labels: { tier: 'web' } })).status).toBe(201);
    await waitFor(async () => (await m.deployments()).length === 0, { what: 'the first deployment', timeoutMs: 30_000 });
    before = await snapshot();
  });
  afterAll(async () => {
    await m?.stop();
    await cluster?.stop();
  });

  it('refuses ids too long to store, with a 422 before anything is stored, and deleting them never crashes', async () => {
    const long = '/' + 'a'.repeat(5000);
    await refuse(422, post('/v2/apps', { id: long, cmd: 'sleep 1' }), (b) => expect(b.details[0].path).toBe('/id'));
    await refuse(422, post('/v2/apps', { id: `/${'a'.repeat(250)}/${'b'.repeat(10)}`, cmd: 'sleep 1' }));
    await refuse(422, put(`/v2/apps${long}`, { cmd: 'sleep 1' }));
    await refuse(422, put('/v2/apps', [{ id: long, cmd: 'sleep 1' }]));
    await refuse(404, () => m.call('DELETE', `/v2/apps${long}`));
    await refuse(422, post('/v2/groups', { id: '/g', apps: [{ id: 'a'.repeat(300), cmd: 'sleep 1' }] }));
    // 300 levels of groups: the id outgrows the limit; no group record is written on the way.
    let g: any = { id: 'x', apps: [{ id: 'app', cmd: 'sleep 1' }] };
    for (let i = 0; i < 300; i++) g = { id: 'x', groups: [g] };
    await refuse([400, 422], post('/v2/groups', g));
    g = { id: 'y', apps: [{ id: 'app', cmd: 'sleep 1' }] };
    for (let i = 0; i < 20; i++) g = { id: 'y', groups: [g] }; // within the depth limit: refused for its id length
    await refuse(422, post('/v2/groups', { id: '/' + 'z'.repeat(240), groups: [g] }));
  });

  it('bounds instances (configurable) and scaleBy before storing, and spreads a large scale over turns', async () => {
    for (const instances of [1_000_000_000, 2001, 1e300]) await refuse(422, post('/v2/apps', { id: '/huge', cmd: 'sleep 1', instances }), (b) => expect(b.details.map((d: { path: string }) => d.path)).toContain('/instances'));
    await refuse(422, put('/v2/apps/keep/web', { instances: 2001 }));
    await refuse(422, () => m.call('PATCH', '/v2/apps', [{ id: '/keep/web', instances: 5000 }]));
    await refuse(422, put('/v2/groups/keep', { scaleBy: 1e9 }));
    await refuse(422, put('/v2/groups/keep', { scaleBy: 2001 }));

    // At the limit: accepted, and Marathon keeps answering while the 2,000 instances are created.
    const r = await m.call('POST', '/v2/apps', { id: '/big', cmd: 'sleep 1', cpus: 1000, mem: 1, instances: 2000 });
    expect(r.status).toBe(201);
    expect((await m.call('GET', '/ping')).status).toBe(200);
    await waitFor(async () => (await m.call('GET', '/v2/queue')).body.queue.find((q: { app: { id: string } }) => q.app.id === '/big')?.count === 2000, { what: '2,000 queued instances' });
    expect((await m.call('DELETE', '/v2/apps/big')).status).toBe(200);
    await waitFor(async () => !(await apps()).some((a) => a.id === '/big') && (await m.deployments()).length === 0, { what: '/big removed' });
  });

  it('does not end the process on DELETE /v2/leader', async () => {
    const r = await m.call('DELETE', '/v2/leader');
    expect(r.status).toBe(503);
    expect(r.body.message).toMatch(/cannot be abdicated/);
    // The old answer ended the process 100 ms later: it must still answer a second on.
    const until = Date.now() + 1000;
    while (Date.now() < until) {
      expect(await alive()).toBe(true);
      await new Promise((res) => setTimeout(res, 100));
    }
  });

  it('limits JSON depth at the boundary; list endpoints keep working', async () => {
    for (const depth of [100, 10_000]) {
      const body = `{"id":"/deep","cmd":"sleep 1","container":${deepJson(depth)}}`;
      await refuse(400, post('/v2/apps', body), (b) => expect(b.message).toMatch(/deeper than/));
      await refuse(400, put('/v2/groups/keep', `{"apps":[${body}]}`));
    }
    for (const path of ['/v2/apps', '/v2/groups', '/v2/deployments', '/v2/queue', '/v2/tasks']) expect((await m.call('GET', path)).status).toBe(200);
  });

  it('changes nothing when a group change is refused for a lock, and answers 422 with details for wrong JSON types', async () => {
    // An app that can never be placed keeps its deployment running, so its group is locked.
    expect((await m.call('POST', '/v2/apps', { id: '/locked/app', cmd: 'sleep 1', cpus: 1000, instances: 1 })).status).toBe(201);
    const snap = await snapshot();
    const r = await m.call('PUT', '/v2/groups/locked', { dependencies: ['/keep'], apps: [{ id: 'app', cmd: 'sleep 2', cpus: 1000 }] });
    expect(r.status).toBe(409);
    expect(await snapshot()).toEqual(snap);
    for (const body of [{ groups: 'str' }, { apps: {} }, { dependencies: 'x' }, { dependencies: [1] }, { id: 5 }, { apps: [5] }, { groups: [{ id: 7 }] }, { scaleBy: -1 }, { scaleBy: 'x' }]) {
      await refused({ send: put('/v2/groups/keep', body), status: 422, snapshot, alive, body: (b) => expect(b.details.length).toBeGreaterThan(0) });
    }
    expect((await m.call('DELETE', '/v2/apps/locked/app?force=true')).status).toBe(200);
    await waitFor(async () => (await m.deployments()).length === 0, { what: 'no deployments' });
  });

  it('refuses definitions Marathon refuses (self-dependency, roles, CR/LF, sandbox escapes, ports twice, timer overflow)', async () => {
    const bad: [string, unknown][] = [
      ['/dependencies/0', { id: '/self', cmd: 'x', dependencies: ['/self'] }],
      ['/dependencies/0', { id: '/a/self', cmd: 'x', dependencies: ['self'] }],
      ['/role', { id: '/r', cmd: 'x', role: '../../x' }],
      ['/role', { id: '/r', cmd: 'x', role: '' }],
      ['/role', { id: '/r', cmd: 'x', role: 'a b' }],
      ['/acceptedResourceRoles/0', { id: '/r', cmd: 'x', acceptedResourceRoles: [''] }],
      ['/acceptedResourceRoles/1', { id: '/r', cmd: 'x', acceptedResourceRoles: ['*', '-x'] }],
      ['/healthChecks/0/path', { id: '/h', cmd: 'x', healthChecks: [{ protocol: 'HTTP', path: '/x\r\nHost: evil' }] }],
      ['/healthChecks/0/path', { id: '/h', cmd: 'x', healthChecks: [{ protocol: 'MESOS_HTTP', path: '/\n' }] }],
      ['/healthChecks/0/intervalSeconds', { id: '/h', cmd: 'x', healthChecks: [{ protocol: 'TCP', intervalSeconds: 3_000_000 }] }],
      ['/healthChecks/0/timeoutSeconds', { id: '/h', cmd: 'x', healthChecks: [{ protocol: 'TCP', timeoutSeconds: 1e12 }] }],
      ['/backoffSeconds', { id: '/h', cmd: 'x', backoffSeconds: 1e12 }],
      ['/fetch/0/destPath', { id: '/f', cmd: 'x', fetch: [{ uri: 'file:///etc/hosts', destPath: '../../x' }] }],
      ['/fetch/0/destPath', { id: '/f', cmd: 'x', fetch: [{ uri: 'file:///etc/hosts', destPath: '/etc/cron.d/x' }] }],
      ['/', { id: '/p', cmd: 'x', ports: [0], portDefinitions: [{ port: 0 }] }],
    ];
    for (const [path, body] of bad) {
      await refuse(422, post('/v2/apps', body), (b) => expect(b.details.map((d: { path: string }) => d.path)).toContain(path));
    }
    await refuse(422, post('/v2/groups', { id: '/selfish', dependencies: ['/selfish'], apps: [{ id: 'a', cmd: 'x' }] }));
    await refuse(422, post('/v2/groups', { id: '/outer', dependencies: ['/outer/inner'], groups: [{ id: 'inner', apps: [{ id: 'a', cmd: 'x' }] }] }));
    await refuse(404, () => m.call('PATCH', '/v2/apps/nope', { instances: 2 }));
  });

  it('matches labels by own keys only', async () => {
    for (const label of ['constructor', '__proto__', 'toString', 'hasOwnProperty==x']) {
      expect((await m.call('GET', `/v2/apps?label=${encodeURIComponent(label)}`)).body.apps).toEqual([]);
    }
    expect((await m.call('GET', '/v2/apps?label=tier')).body.apps.map((a: { id: string }) => a.id)).toEqual(['/keep/web']);
    expect((await m.call('GET', '/v2/apps?label=tier==web')).body.apps).toHaveLength(1);
  });

  it('caps event streams and tells each stream only of its own attach', async () => {
    const a = eventStream(`${m.base}/v2/events`);
    expect(await a.status).toBe(200);
    await waitFor(() => a.frames.some((f) => f.event === 'event_stream_attached'), { what: 'a attached' });
    const b = eventStream(`${m.base}/v2/events`);
    const c = eventStream(`${m.base}/v2/events`);
    expect([await b.status, await c.status]).toEqual([200, 200]);
    const d = eventStream(`${m.base}/v2/events`);
    expect(await d.status).toBe(503);
    d.close();
    await waitFor(() => b.frames.length > 0 && c.frames.length > 0, { what: 'b and c attached' });
    // A change reaches every stream; the others' attaches reached none.
    expect((await m.call('PUT', '/v2/apps/keep/web', { instances: 1, labels: { tier: 'web', touched: 'yes' } })).status).toBe(200);
    await waitFor(() => [a, b, c].every((s) => s.frames.some((f) => f.event === 'deployment_success')), { what: 'deployment_success on every stream', timeoutMs: 30_000 });
    for (const s of [a, b, c]) expect(s.frames.filter((f) => f.event === 'event_stream_attached')).toHaveLength(1);
    a.close();
    // A closed stream frees its place.
    await waitFor(async () => {
      const e = eventStream(`${m.base}/v2/events`);
      const ok = (await e.status) === 200;
      e.close();
      return ok;
    }, { what: 'a free stream place after one closed' });
    b.close();
    c.close();
    before = await snapshot(); // the label change above was accepted
  });

  it('loads after a restart exactly what it had: nothing refused was stored', async () => {
    await m.stop();
    await m.launch();
    await waitFor(async () => JSON.stringify(await snapshot()) === JSON.stringify(before), { what: 'the same apps and groups after a restart', timeoutMs: 20_000 });
  });
});
