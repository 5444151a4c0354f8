import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { authorizationFor } from '@strata/lib';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { BINS, ChronosProcess, LocalCluster, MarathonProcess, ServiceProcess, eventStream, methodsOf, routesOfService } from '../src';

jest.setTimeout(180_000);

/**
 * Per-path permissions in Marathon (issue 17): team A, granted /teama, can neither read, change
 * nor delete team B's apps, nor see them in /v2/apps, the groups tree, tasks, deployments, the
 * queue or the event stream — directly or through the gateway (what the UI shows). Every refusal
 * is a 403 in Marathon's shape and leaves the state as it was.
 */
describe("Marathon's per-path permissions", () => {
  const dir = tmpDir('strata-authz-');
  const creds = path.join(dir.path, 'credentials');
  const perms = path.join(dir.path, 'permissions.json');
  writeFileSync(creds, 'admin admin-secret\nteama a-secret\nteamb b-secret\nviewer v-secret\n');
  writeFileSync(perms, JSON.stringify({
    permissions: [
      { principal: 'admin', resource: 'dcos:superuser', actions: 'full' },
      { principal: 'teama', resource: 'dcos:service:marathon:marathon:services:/teama', actions: 'full' },
      { principal: 'teamb', resource: 'dcos:service:marathon:marathon:services:/teamb', actions: 'full' },
      { principal: 'viewer', resource: 'dcos:service:marathon:marathon:services:/', actions: ['read'] },
      { principal: 'teama', resource: 'dcos:service:chronos:chronos:jobs:teama', actions: 'full' },
      { principal: 'teamb', resource: 'dcos:service:chronos:chronos:jobs:teamb', actions: 'full' },
    ],
  }));
  const as = (principal: string, secret: string) => authorizationFor({ kind: 'basic', principal, secret });
  const who = { admin: as('admin', 'admin-secret'), teama: as('teama', 'a-secret'), teamb: as('teamb', 'b-secret'), viewer: as('viewer', 'v-secret') };

  let cluster: LocalCluster;
  let marathon: MarathonProcess;
  let gateway: ServiceProcess;
  let gw: string;

  const call = async (principal: keyof typeof who, method: string, p: string, body?: unknown, base = marathon.base) => {
    const r = await fetch(base + p, { method, headers: { authorization: who[principal], ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  const appIds = (apps: { id: string }[]) => apps.map((a) => a.id).sort();
  const app = (id: string, instances = 1) => ({ id, cmd: 'sleep 3600', cpus: 0.05, mem: 16, instances });
  const settled = () => waitFor(async () => (await call('admin', 'GET', '/v2/deployments')).body.length === 0, { what: 'no deployments', timeoutMs: 60_000 });

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1 });
    marathon = await MarathonProcess.start(cluster, ['--authenticate', '--credentials', creds, '--permissions', perms, '--max-event-streams-per-principal', '2']);
    marathon.authorization = who.admin;
    gateway = ServiceProcess.start('gateway', BINS.gateway, ['--port', '0', '--http-address', '127.0.0.1', '--master', cluster.masterAddress, '--marathon', marathon.base, '--chronos', '']);
    gw = `http://127.0.0.1:${(await gateway.waitForLog('gateway listening')).port}/marathon`;
    await waitFor(async () => (await marathon.call('GET', '/v2/info')).status === 200, { what: 'Marathon loaded', timeoutMs: 30_000 });
    expect((await call('admin', 'POST', '/v2/apps', app('/teamb/web'))).status).toBe(201);
    expect((await call('teama', 'POST', '/v2/apps', app('/teama/web'))).status).toBe(201);
    await settled();
  });
  afterAll(async () => {
    await gateway?.stop();
    await marathon?.stop();
    await cluster?.stop();
    dir.remove();
  });

  it("team A sees only its own apps, tasks, groups, queue and deployments; directly and through the gateway", async () => {
    expect(appIds((await call('teama', 'GET', '/v2/apps')).body.apps)).toEqual(['/teama/web']);
    expect(appIds((await call('teama', 'GET', '/v2/apps', undefined, gw)).body.apps)).toEqual(['/teama/web']);
    expect(appIds((await call('teamb', 'GET', '/v2/apps?embed=apps.tasks', undefined, gw)).body.apps)).toEqual(['/teamb/web']);
    expect(appIds((await call('viewer', 'GET', '/v2/apps')).body.apps)).toEqual(['/teama/web', '/teamb/web']);
    expect(appIds((await call('teama', 'GET', '/v2/apps/*')).body['*'])).toEqual(['/teama/web']);
    const tree = (await call('teama', 'GET', '/v2/groups')).body;
    expect([tree.apps, tree.groups.map((g: { id: string }) => g.id)]).toEqual([[], ['/teama']]);
    expect(appIds(tree.groups[0].apps)).toEqual(['/teama/web']);
    await waitFor(async () => (await call('admin', 'GET', '/v2/tasks')).body.tasks.length === 2, { what: 'both tasks', timeoutMs: 30_000 });
    expect((await call('teama', 'GET', '/v2/tasks')).body.tasks.map((t: { appId: string }) => t.appId)).toEqual(['/teama/web']);
    // A deployment of team B's app is not team A's to see.
    expect((await call('teamb', 'PUT', '/v2/apps/teamb/web', { cmd: 'sleep 3601' })).status).toBe(200);
    expect((await call('admin', 'GET', '/v2/deployments')).body.some((d: { affectedApps: string[] }) => d.affectedApps.includes('/teamb/web')) || (await call('admin', 'GET', '/v2/apps/teamb/web')).body.app.cmd === 'sleep 3601').toBe(true);
    expect((await call('teama', 'GET', '/v2/deployments')).body.filter((d: { affectedApps: string[] }) => d.affectedApps.includes('/teamb/web'))).toEqual([]);
    expect((await call('teama', 'GET', '/v2/queue')).body.queue.filter((q: { app: { id: string } }) => q.app.id.startsWith('/teamb'))).toEqual([]);
    await settled();
  });

  it("team A can neither read, change, restart, scale nor delete team B's app: 403s, state unchanged", async () => {
    const before = (await call('admin', 'GET', '/v2/apps/teamb/web')).body.app;
    const refusals = [
      await call('teama', 'GET', '/v2/apps/teamb/web'),
      await call('teama', 'GET', '/v2/apps/teamb/web/versions'),
      await call('teama', 'GET', '/v2/apps/teamb/web/tasks'),
      await call('teama', 'PUT', '/v2/apps/teamb/web', { cmd: 'echo pwned' }),
      await call('teama', 'PATCH', '/v2/apps/teamb/web', { instances: 5 }),
      await call('teama', 'POST', '/v2/apps/teamb/web/restart'),
      await call('teama', 'DELETE', '/v2/apps/teamb/web/tasks'),
      await call('teama', 'DELETE', '/v2/apps/teamb/web'),
      await call('teama', 'POST', '/v2/apps', app('/teamb/new')),
      await call('teama', 'PUT', '/v2/apps', [{ id: '/teama/web', instances: 1 }, { id: '/teamb/web', instances: 3 }]),
      await call('teama', 'PUT', '/v2/groups/teamb', { apps: [app('/teamb/web', 4)] }),
      await call('teama', 'PUT', '/v2/groups', { id: '/', scaleBy: 2 }),
      await call('teama', 'GET', '/v2/groups/teamb'),
      await call('teama', 'DELETE', '/v2/groups/teamb'),
      await call('teama', 'DELETE', '/v2/leader'),
      await call('viewer', 'PUT', '/v2/apps/teama/web', { instances: 2 }),
    ];
    expect(refusals.map((r) => [r.status, r.body])).toEqual(refusals.map(() => [403, { message: 'Not Authorized to perform this action!' }]));
    const tasks = await call('admin', 'GET', '/v2/tasks');
    const teambTask = tasks.body.tasks.find((t: { appId: string }) => t.appId === '/teamb/web');
    expect(await call('teama', 'POST', '/v2/tasks/delete', { ids: [teambTask.id] })).toEqual({ status: 403, body: { message: 'Not Authorized to perform this action!' } });
    const after = (await call('admin', 'GET', '/v2/apps/teamb/web')).body.app;
    expect([after.version, after.instances, after.cmd, after.tasks.map((t: { id: string }) => t.id)]).toEqual([before.version, before.instances, before.cmd, before.tasks.map((t: { id: string }) => t.id)]);
    expect(appIds((await call('admin', 'GET', '/v2/apps')).body.apps)).toEqual(['/teama/web', '/teamb/web']);
    expect((await call('admin', 'GET', '/v2/deployments')).body).toEqual([]);
  });

  it("team A's event stream carries its own apps' events and none of team B's", async () => {
    const stream = eventStream(`${marathon.base}/v2/events`, { authorization: who.teama });
    const admin = eventStream(`${marathon.base}/v2/events`, { authorization: who.admin });
    try {
      await waitFor(() => stream.frames.length > 0 && admin.frames.length > 0, { what: 'both streams attached', timeoutMs: 10_000 });
      expect((await call('teamb', 'PUT', '/v2/apps/teamb/web', { instances: 2 })).status).toBe(200);
      expect((await call('teama', 'PUT', '/v2/apps/teama/web', { instances: 2 })).status).toBe(200);
      const successFor = (frames: { event: string; data: { plan?: { affectedApps: string[] } } }[], id: string) => frames.some((f) => f.event === 'deployment_success' && f.data.plan?.affectedApps.includes(id));
      await waitFor(() => successFor(admin.frames, '/teamb/web') && successFor(admin.frames, '/teama/web') && successFor(stream.frames, '/teama/web'), { what: 'both deployments seen', timeoutMs: 60_000 });
      const mentions = stream.frames.filter((f) => JSON.stringify(f.data).includes('/teamb'));
      expect(mentions).toEqual([]);
      expect(admin.frames.filter((f) => JSON.stringify(f.data).includes('/teamb')).length).toBeGreaterThan(0);
    } finally {
      stream.close();
      admin.close();
    }
  });

  it("every route Marathon lists, asked by team A about team B's app: no write lands (403), no read shows it", async () => {
    const snapshot = async () => {
      const a = (await call('admin', 'GET', '/v2/apps/teamb/web?embed=app.tasks')).body.app;
      return JSON.stringify({ version: a.version, instances: a.instances, tasks: a.tasks.map((t: { id: string }) => t.id).sort() });
    };
    const before = await snapshot();
    const teambTask = JSON.parse(before).tasks[0];
    const routes = await routesOfService(marathon.base, who.admin);
    // Each route pattern as the paths that name team B's things: an app route's sub-resources (restart, tasks, versions) behind its one `*path`, a group by its id.
    const fill = (pattern: string): string[] => {
      const plain = pattern.replace(/\\(.)/g, '$1').replace(/[{}]/g, '');
      if (plain === '/v2/apps/*path') return ['', '/restart', '/tasks', `/tasks/${teambTask}`, '/versions'].map((sub) => `/v2/apps/teamb/web${sub}`);
      const target = plain.startsWith('/v2/groups') ? 'teamb' : 'teamb/web';
      return [plain.replace(/\*[A-Za-z_]\w*/g, target).replace(/:[A-Za-z_]\w*/g, 'teamb')];
    };
    const bodyFor = (p: string) => (p.startsWith('/v2/groups') ? { id: '/teamb', scaleBy: 2 } : p.startsWith('/v2/tasks') ? { ids: [teambTask] } : p === '/v2/apps' ? [app('/teamb/web', 3)] : app('/teamb/web', 3));
    const refusals: string[] = [];
    for (const r of routes) {
      for (const p of fill(r.path)) {
        if (['/ping', '/health', '/v2/events', '/help'].includes(p)) continue; // probes; the event stream has its own test
        for (const m of methodsOf(r)) {
          const got = await call('teama', m, p, m === 'GET' || m === 'DELETE' ? undefined : bodyFor(p)).catch((e: Error) => ({ status: -1, body: e.message }));
          const text = JSON.stringify(got.body ?? '');
          if (m === 'GET') {
            expect([`${m} ${p}`, got.status === 403 || got.status === 404 || !text.includes('/teamb')]).toEqual([`${m} ${p}`, true]);
          } else {
            expect([`${m} ${p}`, got.status >= 200 && got.status < 300]).toEqual([`${m} ${p}`, false]);
          }
          if (got.status === 403) refusals.push(`${m} ${p}`);
        }
        expect(await snapshot()).toBe(before);
      }
    }
    // The writes that name team B's app, group or task are refused by permission, not by accident.
    for (const w of ['PUT /v2/apps/teamb/web', 'DELETE /v2/apps/teamb/web', 'POST /v2/apps/teamb/web/restart', 'PUT /v2/groups/teamb', 'DELETE /v2/groups/teamb', 'POST /v2/tasks/delete', 'PUT /v2/apps', 'DELETE /v2/leader', 'DELETE /v2/apps/teamb/web/tasks', `DELETE /v2/apps/teamb/web/tasks/${teambTask}`]) expect(refusals).toContain(w);
  });

  it('one principal cannot take every event stream: past its cap it gets 429, the others still get theirs', async () => {
    const open = [eventStream(`${marathon.base}/v2/events`, { authorization: who.teama }), eventStream(`${marathon.base}/v2/events`, { authorization: who.teama })];
    try {
      expect(await Promise.all(open.map((s) => s.status))).toEqual([200, 200]);
      const third = eventStream(`${marathon.base}/v2/events`, { authorization: who.teama });
      open.push(third);
      expect(await third.status).toBe(429);
      const other = eventStream(`${marathon.base}/v2/events`, { authorization: who.teamb });
      open.push(other);
      expect(await other.status).toBe(200);
      open[0]!.close();
      // Its slot is given back once the stream is gone.
      await waitFor(async () => {
        const again = eventStream(`${marathon.base}/v2/events`, { authorization: who.teama });
        open.push(again);
        return (await again.status) === 200 || undefined;
      }, { what: 'a slot given back', timeoutMs: 10_000 });
    } finally {
      for (const s of open) s.close();
    }
  });

  it('team A manages its own group freely', async () => {
    expect((await call('teama', 'POST', '/v2/apps', app('/teama/api'))).status).toBe(201);
    await settled();
    expect((await call('teama', 'PUT', '/v2/groups/teama', { id: '/teama', scaleBy: 1 })).status).toBe(200);
    await settled();
    expect((await call('teama', 'DELETE', '/v2/apps/teama/api')).status).toBe(200);
    await settled();
    expect(appIds((await call('teama', 'GET', '/v2/apps')).body.apps)).toEqual(['/teama/web']);
  });
});

describe("Chronos's per-job permissions", () => {
  const dir = tmpDir('strata-authz-chronos-');
  const creds = path.join(dir.path, 'credentials');
  const perms = path.join(dir.path, 'permissions.json');
  writeFileSync(creds, 'teama a-secret\nteamb b-secret\n');
  writeFileSync(perms, JSON.stringify({ permissions: [
    { principal: 'teama', resource: 'dcos:service:chronos:chronos:jobs:teama', actions: 'full' },
    { principal: 'teamb', resource: 'dcos:service:chronos:chronos:jobs:teamb', actions: 'full' },
  ] }));
  const who = { teama: authorizationFor({ kind: 'basic', principal: 'teama', secret: 'a-secret' }), teamb: authorizationFor({ kind: 'basic', principal: 'teamb', secret: 'b-secret' }) };
  let cluster: LocalCluster;
  let chronos: ChronosProcess;
  const call = async (principal: keyof typeof who, method: string, p: string, body?: unknown) => {
    const r = await fetch(chronos.base + p, { method, headers: { authorization: who[principal], ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // text/plain answers (graphs)
    }
    return { status: r.status, body: parsed as any };
  };
  const job = (name: string) => ({ name, command: 'true', schedule: 'R/2030-01-01T00:00:00Z/PT24H', epsilon: 'PT60S', owner: 'ops@example.com' });

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1 });
    chronos = await ChronosProcess.start(cluster, ['--authenticate', '--credentials', creds, '--permissions', perms]);
    await waitFor(async () => (await call('teama', 'GET', '/jobs')).status === 200, { what: 'Chronos loaded', timeoutMs: 30_000 });
    expect((await call('teama', 'POST', '/iso8601', job('teama.nightly'))).status).toBe(204);
    expect((await call('teamb', 'POST', '/iso8601', job('teamb.nightly'))).status).toBe(204);
  });
  afterAll(async () => {
    await chronos?.stop();
    await cluster?.stop();
    dir.remove();
  });

  it("team A sees only its jobs, and can neither read, run, change nor delete team B's: 403s, state unchanged", async () => {
    expect((await call('teama', 'GET', '/jobs')).body.map((j: { name: string }) => j.name)).toEqual(['teama.nightly']);
    expect((await call('teama', 'GET', '/jobs/summary')).body.jobs.map((j: { name: string }) => j.name)).toEqual(['teama.nightly']);
    expect((await call('teama', 'GET', '/jobs/search?name=nightly')).body.map((j: { name: string }) => j.name)).toEqual(['teama.nightly']);
    expect((await call('teama', 'GET', '/graph/csv')).body).not.toContain('teamb');
    expect((await call('teama', 'GET', '/graph/dot')).body).not.toContain('teamb');
    const before = (await call('teamb', 'GET', '/job/teamb.nightly')).body;
    const refusals = [
      await call('teama', 'GET', '/job/teamb.nightly'),
      await call('teama', 'GET', '/job/stat/teamb.nightly'),
      await call('teama', 'PUT', '/job/teamb.nightly'),
      await call('teama', 'PUT', '/job/success/teamb.nightly'),
      await call('teama', 'DELETE', '/task/kill/teamb.nightly'),
      await call('teama', 'DELETE', '/job/teamb.nightly'),
      await call('teama', 'PUT', '/iso8601', { ...job('teamb.nightly'), command: 'echo pwned' }),
      await call('teama', 'POST', '/iso8601', job('teamb.other')),
    ];
    expect(refusals.map((r) => [r.status, r.body])).toEqual(refusals.map(() => [403, { message: expect.stringMatching(/^principal 'teama' may not (read|update|delete|create) teamb\./), status: 'Forbidden' }]));
    expect((await call('teamb', 'GET', '/job/teamb.nightly')).body).toEqual(before);
    expect((await call('teamb', 'GET', '/jobs')).body.map((j: { name: string }) => j.name)).toEqual(['teamb.nightly']);
  });

  it("every route Chronos lists, asked by team A about team B's job: no write lands, no read shows it", async () => {
    const snapshot = async () => JSON.stringify((await call('teamb', 'GET', '/jobs')).body.map((j: { name: string; command: string; schedule: string; disabled: boolean }) => [j.name, j.command, j.schedule, j.disabled]));
    const before = await snapshot();
    const routes = (await routesOfService(chronos.base.replace(/\/v1\/scheduler$/, ''), who.teama)).filter((r) => r.path.startsWith('/v1/scheduler'));
    expect(routes.length).toBeGreaterThan(10);
    const bodies = [{ ...job('teamb.nightly'), command: 'echo pwned' }, { name: 'teamb.child', command: 'true', parents: ['teamb.nightly'], owner: 'x@y.z' }];
    let refused = 0;
    for (const r of routes) {
      const p = r.path.replace('/v1/scheduler', '').replace(/:[A-Za-z_]\w*/g, 'teamb.nightly');
      for (const m of methodsOf(r)) {
        for (const body of m === 'GET' || m === 'DELETE' ? [undefined] : bodies) {
          const got = await call('teama', m, p, body);
          const text = typeof got.body === 'string' ? got.body : JSON.stringify(got.body ?? '');
          if (m === 'GET') expect([`${m} ${p}`, got.status === 403 || got.status === 404 || !text.includes('teamb')]).toEqual([`${m} ${p}`, true]);
          else expect([`${m} ${p}`, got.status >= 200 && got.status < 300]).toEqual([`${m} ${p}`, false]);
          if (got.status === 403) refused++;
        }
        expect(await snapshot()).toBe(before);
      }
    }
    expect(refused).toBeGreaterThan(8);
  });
});
