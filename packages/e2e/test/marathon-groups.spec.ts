import { waitFor } from '@strata/lib/testing';
import { LocalCluster, MarathonProcess } from '../src';

jest.setTimeout(120_000);

describe('marathon groups', () => {
  let cluster: LocalCluster;
  let m: MarathonProcess;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:4;mem:4096;ports:[31000-31200]' });
    m = await MarathonProcess.start(cluster);
  });
  afterAll(async () => {
    await m?.stop();
    await cluster?.stop();
  });
  const tasks = async (id: string) => (await m.call('GET', `/v2/apps${id}/tasks`)).body.tasks as { stagedAt: string; startedAt?: string; state: string }[];
  const idle = () => waitFor(async () => (await m.deployments()).length === 0, { timeoutMs: 30_000, what: 'no deployment left' });

  it('deploys a group tree in dependency order', async () => {
    const health = [{ protocol: 'COMMAND', command: { value: 'test -e ready' }, intervalSeconds: 1, delaySeconds: 0, gracePeriodSeconds: 60 }];
    const r = await m.call('POST', '/v2/groups', {
      id: '/prod',
      groups: [
        { id: 'db', apps: [{ id: 'pg', cmd: 'sleep 0.5; touch ready; sleep 1000', cpus: 0.05, mem: 16, healthChecks: health }] },
        { id: 'web', dependencies: ['/prod/db'], apps: [{ id: 'api', cmd: 'sleep 1000', cpus: 0.05, mem: 16, instances: 2 }] },
      ],
    });
    expect(r.status).toBe(201);
    expect(r.body.deploymentId).toBeDefined();
    const steps = (await m.deployments())[0] as unknown as { steps: { actions: { action: string; app: string }[] }[] };
    expect(steps.steps.map((s) => s.actions.map((a) => `${a.action} ${a.app}`))).toEqual([
      ['StartApplication /prod/db/pg', 'StartApplication /prod/web/api'],
      ['ScaleApplication /prod/db/pg'],
      ['ScaleApplication /prod/web/api'],
    ]);
    await idle();
    const pg = (await tasks('/prod/db/pg'))[0]!;
    const api = await tasks('/prod/web/api');
    expect(api).toHaveLength(2);
    // The web tier was not even staged before the database was healthy (it becomes healthy ~0.5 s after starting).
    for (const t of api) expect(Date.parse(t.stagedAt)).toBeGreaterThanOrEqual(Date.parse(pg.startedAt!) + 400);
    const tree = (await m.call('GET', '/v2/groups/prod')).body;
    expect(tree.groups.map((g: { id: string }) => g.id)).toEqual(['/prod/db', '/prod/web']);
    expect(tree.groups[1].dependencies).toEqual(['/prod/db']);
    expect(tree.groups[1].apps.map((a: { id: string }) => a.id)).toEqual(['/prod/web/api']);
    expect((await m.call('GET', '/v2/groups')).body.groups.map((g: { id: string }) => g.id)).toContain('/prod');
  });

  it('refuses circular dependencies and stores nothing', async () => {
    const r = await m.call('POST', '/v2/groups', {
      id: '/loop',
      apps: [
        { id: 'a', cmd: 'sleep 1', dependencies: ['/loop/b'] },
        { id: 'b', cmd: 'sleep 1', dependencies: ['/loop/a'] },
      ],
    });
    expect(r.status).toBe(422);
    expect(r.body.details[0].errors[0]).toContain('cyclic dependencies');
    expect((await m.call('GET', '/v2/groups/loop')).status).toBe(404);
    expect((await m.call('GET', '/v2/apps/loop/a')).status).toBe(404);
  });

  it('scales a whole group with scaleBy, rolls it back by version, and deletes it', async () => {
    const created = await m.call('POST', '/v2/groups', { id: '/team', apps: [{ id: 'x', cmd: 'sleep 1000', cpus: 0.01, mem: 8 }, { id: 'y', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 2 }] });
    await idle();
    const scaled = await m.call('PUT', '/v2/groups/team', { scaleBy: 2 });
    expect(scaled.status).toBe(200);
    await idle();
    expect([(await m.call('GET', '/v2/apps/team/x')).body.app.instances, (await m.call('GET', '/v2/apps/team/y')).body.app.instances]).toEqual([2, 4]);
    expect((await tasks('/team/y')).length).toBe(4);
    const versions = (await m.call('GET', '/v2/groups/team/versions')).body as string[];
    expect(versions).toContain(created.body.version);
    const back = await m.call('PUT', '/v2/groups/team', { version: created.body.version });
    expect(back.status).toBe(200);
    await idle();
    expect([(await m.call('GET', '/v2/apps/team/x')).body.app.instances, (await m.call('GET', '/v2/apps/team/y')).body.app.instances]).toEqual([1, 2]);
    const del = await m.call('DELETE', '/v2/groups/team');
    expect(del.status).toBe(200);
    await waitFor(async () => (await m.call('GET', '/v2/apps/team/x')).status === 404 && (await m.call('GET', '/v2/apps/team/y')).status === 404, { what: 'apps gone' });
    expect((await m.call('POST', '/v2/groups', { id: '/prod' })).status).toBe(409);
  });
});

describe('marathon readiness checks and bulk updates', () => {
  let cluster: LocalCluster;
  let m: MarathonProcess;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:4;mem:4096;ports:[31000-31200]' });
    m = await MarathonProcess.start(cluster);
  });
  afterAll(async () => {
    await m?.stop();
    await cluster?.stop();
  });

  it('holds a deployment until the readiness check answers 200, showing the results', async () => {
    // Answers 503 until a file appears in its sandbox, then 200.
    const server = `${process.execPath} -e "require('http').createServer((q, r) => { r.statusCode = require('fs').existsSync('ready') ? 200 : 503; r.end('s') }).listen(process.env.PORT0)"`;
    const r = await m.call('POST', '/v2/apps', {
      id: '/ready', cmd: server, cpus: 0.1, mem: 64,
      portDefinitions: [{ port: 0, name: 'http-api' }],
      readinessChecks: [{ path: '/', portName: 'http-api', intervalSeconds: 1, timeoutSeconds: 1, httpStatusCodesForReady: [200] }],
    });
    expect(r.status).toBe(422); // timeoutSeconds must be less than intervalSeconds
    const ok = await m.call('POST', '/v2/apps', {
      id: '/ready', cmd: server, cpus: 0.1, mem: 64,
      portDefinitions: [{ port: 0, name: 'http-api' }],
      readinessChecks: [{ path: '/', portName: 'http-api', intervalSeconds: 2, timeoutSeconds: 1, httpStatusCodesForReady: [200] }],
    });
    expect(ok.status).toBe(201);
    const results = await waitFor(async () => {
      const d = (await m.deployments()) as unknown as { currentActions: { readinessCheckResults: { ready: boolean; taskId: string }[] }[] }[];
      return d[0]?.currentActions[0]?.readinessCheckResults[0];
    }, { what: 'a readiness result' });
    expect(results.ready).toBe(false);
    const sandbox = `${cluster.dir.path}/agent-0/sandboxes`;
    const { readdirSync, writeFileSync } = await import('node:fs');
    const fw = readdirSync(sandbox)[0]!;
    writeFileSync(`${sandbox}/${fw}/${results.taskId}/ready`, '');
    await waitFor(async () => (await m.deployments()).length === 0, { timeoutMs: 20_000, what: 'the deployment to end once ready' });
  });

  it('updates several apps in one deployment with PUT /v2/apps', async () => {
    const r = await m.call('PUT', '/v2/apps', [
      { id: '/bulk/a', cmd: 'sleep 1000', cpus: 0.01, mem: 8 },
      { id: '/bulk/b', cmd: 'sleep 1000', cpus: 0.01, mem: 8, dependencies: ['/bulk/a'] },
    ]);
    expect(r.status).toBe(200);
    expect((await m.deployments()).find((d) => d.id === r.body.deploymentId)?.affectedApps.sort()).toEqual(['/bulk/a', '/bulk/b']);
    await waitFor(async () => (await m.deployments()).length === 0, { what: 'bulk deployment' });
    const bad = await m.call('PATCH', '/v2/apps', [{ id: '/bulk/a', instances: 2 }, { id: '/bulk/nope', instances: 1 }]);
    expect(bad.status).toBe(422);
    expect(bad.body.details[0]).toEqual({ path: '/1/id', errors: ["App '/bulk/nope' does not exist"] });
    expect((await m.call('GET', '/v2/apps/bulk/a')).body.app.instances).toBe(1); // nothing half-applied
  });
});
