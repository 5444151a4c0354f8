import { waitFor } from '@strata/lib/testing';
import { LocalCluster, MarathonProcess, eventStream as sse } from '../src';

const eventStream = (base: string, query = '') => sse(`${base}/v2/events${query}`);

jest.setTimeout(120_000);

interface Task {
  id: string;
  state: string;
  startedAt?: string;
  version: string;
  ports: number[];
  servicePorts: number[];
  host: string;
}

describe('marathon against a real master and agents', () => {
  let cluster: LocalCluster;
  let m: MarathonProcess;
  const tasks = async (id: string): Promise<Task[]> => (await m.call('GET', `/v2/apps${id}/tasks`)).body.tasks;
  const running = async (id: string) => (await tasks(id)).filter((t) => t.state === 'TASK_RUNNING');
  const settled = (id: string, n: number) =>
    waitFor(async () => (await running(id)).length === n && (await tasks(id)).length === n && !(await m.deployments()).some((d) => d.affectedApps.includes(id)), { timeoutMs: 30_000, what: `${id} at ${n} running tasks with no deployment` });

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 2, resources: 'cpus:4;mem:4096;ports:[31000-31200]' });
    m = await MarathonProcess.start(cluster);
  });
  afterAll(async () => {
    await m?.stop();
    await cluster?.stop();
  });

  it('creates an app (201, Location, deployment id) and lists it with its tasks', async () => {
    const r = await m.call('POST', '/v2/apps', { id: '/basic/web', cmd: 'sleep 1000', cpus: 0.1, mem: 16, instances: 2 });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe('/basic/web');
    expect(r.headers.get('marathon-deployment-id')).toBe(r.body.deployments[0].id);
    expect(r.body).toMatchObject({ id: '/basic/web', instances: 2, backoffFactor: 1.15, tasksRunning: 0 });
    await settled('/basic/web', 2);
    const list = (await m.call('GET', '/v2/apps?embed=apps.tasks&id=basic')).body.apps;
    expect(list).toHaveLength(1);
    expect(list[0].tasksRunning).toBe(2);
    expect(list[0].tasks).toHaveLength(2);
    const t = list[0].tasks[0] as Task;
    expect(t.id).toMatch(/^basic_web\.instance-[0-9a-f-]{36}\._app\.1$/);
    expect(t.ports[0]).toBeGreaterThanOrEqual(31000);
    expect(t.servicePorts[0]).toBeGreaterThanOrEqual(10000);
    expect((await m.call('POST', '/v2/apps', { id: '/basic/web', cmd: 'x' })).status).toBe(409);
  });

  it('re-PUT of an unchanged definition restarts nothing', async () => {
    await m.call('POST', '/v2/apps', { id: '/reput', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 2 });
    await settled('/reput', 2);
    const before = (await tasks('/reput')).map((t) => t.id).sort();
    const def = await m.app('/reput');
    const r = await m.call('PUT', '/v2/apps/reput', { cmd: def.cmd, cpus: def.cpus, mem: def.mem, instances: def.instances });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ deploymentId: expect.any(String), version: expect.any(String) });
    await settled('/reput', 2);
    expect((await tasks('/reput')).map((t) => t.id).sort()).toEqual(before);
  });

  it('scales 1 -> 10 -> 1, killing the newest first', async () => {
    await m.call('POST', '/v2/apps', { id: '/scale', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 1 });
    await settled('/scale', 1);
    const [first] = await tasks('/scale');
    await m.call('PUT', '/v2/apps/scale', { instances: 10 });
    await settled('/scale', 10);
    await m.call('PATCH', '/v2/apps/scale', { instances: 1 });
    await settled('/scale', 1);
    expect((await tasks('/scale'))[0]!.id).toBe(first!.id); // the oldest survives
  });

  it('updates with PUT and PATCH; versions are listed and fetchable; restart replaces every task', async () => {
    await m.call('POST', '/v2/apps', { id: '/upd', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 2 });
    await settled('/upd', 2);
    const v1 = (await tasks('/upd')).map((t) => t.id);
    await m.call('PUT', '/v2/apps/upd', { cmd: 'sleep 2000' });
    await settled('/upd', 2);
    const v2 = (await tasks('/upd')).map((t) => t.id);
    expect(v2.filter((id) => v1.includes(id))).toEqual([]);
    await m.call('PATCH', '/v2/apps/upd', { env: { COLOR: 'blue' } });
    await settled('/upd', 2);
    const versions = (await m.call('GET', '/v2/apps/upd/versions')).body.versions as string[];
    expect(versions.length).toBe(3);
    const oldest = (await m.call('GET', `/v2/apps/upd/versions/${versions[2]}`)).body;
    expect(oldest.cmd).toBe('sleep 1000');
    expect((await m.app('/upd')).env).toEqual({ COLOR: 'blue' });
    const v3 = (await tasks('/upd')).map((t) => t.id);
    const r = await m.call('POST', '/v2/apps/upd/restart');
    expect(r.status).toBe(200);
    await settled('/upd', 2);
    expect((await tasks('/upd')).map((t) => t.id).filter((id) => v3.includes(id))).toEqual([]);
  });

  it('relaunches a killed task; with scale=true it lowers instances instead', async () => {
    await m.call('POST', '/v2/apps', { id: '/kill', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 2 });
    await settled('/kill', 2);
    const [a, b] = await tasks('/kill');
    const r = await m.call('DELETE', `/v2/apps/kill/tasks/${a!.id}`);
    expect(r.body.task.id).toBe(a!.id);
    await waitFor(async () => (await running('/kill')).length === 2 && !(await tasks('/kill')).some((t) => t.id === a!.id), { what: 'a replacement' });
    const s = await m.call('DELETE', `/v2/apps/kill/tasks/${b!.id}?scale=true`);
    expect(s.body.deploymentId).toBeDefined();
    await settled('/kill', 1);
    expect((await m.app('/kill')).instances).toBe(1);
    expect((await tasks('/kill')).some((t) => t.id === b!.id)).toBe(false);
  });

  it('deletes: tasks killed, then 404, then app_terminated_event on the event stream', async () => {
    const stream = eventStream(m.base, '?event_type=app_terminated_event&event_type=deployment_success');
    try {
      await m.call('POST', '/v2/apps', { id: '/gone', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 2 });
      await settled('/gone', 2);
      const del = await m.call('DELETE', '/v2/apps/gone');
      expect(del.status).toBe(200);
      await waitFor(async () => (await m.call('GET', '/v2/apps/gone')).status === 404, { what: 'the app to be gone' });
      expect((await m.call('GET', '/v2/apps/gone')).body).toEqual({ message: "App '/gone' does not exist" });
      await waitFor(() => stream.frames.find((f) => f.event === 'app_terminated_event' && f.data.appId === '/gone'), { what: 'app_terminated_event' });
      expect(stream.frames.every((f) => ['app_terminated_event', 'deployment_success', 'event_stream_attached'].includes(f.event))).toBe(true);
      expect(stream.frames.some((f) => f.event === 'deployment_success' && f.data.eventType === 'deployment_success')).toBe(true);
    } finally {
      stream.close();
    }
  });

  it('streams events as SSE frames, starting with event_stream_attached', async () => {
    const stream = eventStream(m.base);
    try {
      await waitFor(() => stream.frames.length > 0, { what: 'the first frame' });
      expect(stream.frames[0]!.event).toBe('event_stream_attached');
      await m.call('POST', '/v2/apps', { id: '/evt', cmd: 'sleep 1000', cpus: 0.01, mem: 8 });
      await waitFor(() => stream.frames.find((f) => f.event === 'status_update_event' && f.data.appId === '/evt' && f.data.taskStatus === 'TASK_RUNNING'), { what: 'status_update_event' });
      const seen = new Set(stream.frames.map((f) => f.event));
      for (const e of ['api_post_event', 'deployment_info', 'group_change_success', 'instance_changed_event', 'deployment_success']) expect([e, seen.has(e)]).toEqual([e, true]);
    } finally {
      stream.close();
    }
  });

  it('locks an app during its deployment (409 with the deployments), force=true goes through, DELETE /v2/deployments rolls back', async () => {
    await m.call('POST', '/v2/apps', { id: '/lock', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 1 });
    await settled('/lock', 1);
    // Asking for more cpus than any agent has: the deployment can never finish.
    const stuck = await m.call('PUT', '/v2/apps/lock', { cpus: 100 });
    const again = await m.call('PUT', '/v2/apps/lock', { cmd: 'sleep 3000' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ message: expect.stringContaining("Override with the option '?force=true'"), deployments: [{ id: stuck.body.deploymentId }] });
    const rb = await m.call('DELETE', `/v2/deployments/${stuck.body.deploymentId}`);
    expect(rb.status).toBe(200);
    await settled('/lock', 1);
    expect((await m.app('/lock')).cpus).toBe(0.01);
    const forced = await m.call('PUT', '/v2/apps/lock', { cpus: 100 });
    const forcedAgain = await m.call('PUT', '/v2/apps/lock?force=true', { cpus: 0.02 });
    expect(forcedAgain.status).toBe(200);
    expect(forcedAgain.body.deploymentId).not.toBe(forced.body.deploymentId);
    await settled('/lock', 1);
    expect((await m.app('/lock')).cpus).toBe(0.02);
  });

  it('keeps a rolling upgrade of 10 instances within minimumHealthCapacity and maximumOverCapacity', async () => {
    await m.call('POST', '/v2/apps', { id: '/roll', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 10, upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0.2 } });
    await settled('/roll', 10);
    const samples: { running: number; total: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const ts = await tasks('/roll');
        samples.push({ running: ts.filter((t) => t.state === 'TASK_RUNNING').length, total: ts.filter((t) => ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING'].includes(t.state)).length });
      }
    })();
    await m.call('PUT', '/v2/apps/roll', { cmd: 'sleep 2000' });
    await settled('/roll', 10);
    sampling = false;
    await sampler;
    expect(samples.length).toBeGreaterThan(5);
    expect(Math.min(...samples.map((s) => s.running))).toBeGreaterThanOrEqual(5);
    expect(Math.max(...samples.map((s) => s.total))).toBeLessThanOrEqual(12);
    const current = (await m.app('/roll')).version;
    expect((await tasks('/roll')).map((t) => t.version)).toEqual(Array(10).fill(current));
  });

  it('backs off a failing app (shown in /v2/queue) and DELETE /v2/queue/{app}/delay resets it', async () => {
    await m.call('POST', '/v2/apps', { id: '/crash', cmd: 'exit 1', cpus: 0.01, mem: 8, backoffSeconds: 60 });
    const q = await waitFor(async () => (await m.call('GET', '/v2/queue')).body.queue.find((e: any) => e.app.id === '/crash' && e.delay.timeLeftSeconds > 0), { what: 'a delayed queue entry' });
    expect(q.delay.timeLeftSeconds).toBeGreaterThan(50);
    expect(q.count).toBe(1);
    const failure = (await m.call('GET', '/v2/apps/crash')).body.app.lastTaskFailure;
    expect(failure).toMatchObject({ appId: '/crash', state: 'TASK_FAILED', message: 'Command exited with status 1' });
    const firstTask = failure.taskId;
    expect((await m.call('DELETE', '/v2/queue/crash/delay')).status).toBe(204);
    await waitFor(async () => (await m.call('GET', '/v2/apps/crash')).body.app.lastTaskFailure.taskId !== firstTask, { what: 'an immediate relaunch' });
    expect((await m.call('DELETE', '/v2/queue/nope/delay')).status).toBe(404);
    await m.call('DELETE', '/v2/apps/crash');
  });

  it("answers bad input in Marathon's shapes and keeps serving", async () => {
    const bad = await m.call('POST', '/v2/apps', { id: '/v', cmd: 'x', cpus: -1, upgradeStrategy: { minimumHealthCapacity: 2 } });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toBe('Object is not valid');
    // Every problem at once, as Marathon answers: the schema's and the ranges'.
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['/cpus', '/upgradeStrategy/minimumHealthCapacity']);
    const strategy = await m.call('POST', '/v2/apps', { id: '/v', cmd: 'x', upgradeStrategy: { minimumHealthCapacity: 2 } });
    expect(strategy.body.details).toEqual([{ path: '/upgradeStrategy/minimumHealthCapacity', errors: ['is greater than 1'] }]);
    const ports = await m.call('POST', '/v2/apps', { id: '/v', cmd: 'x', portDefinitions: [{ port: 9000 }, { port: 9000 }] });
    expect(ports.body.details[0].path).toBe('/portDefinitions');
    const json = await m.call('POST', '/v2/apps', '{"id": ');
    expect(json.status).toBe(400);
    expect(json.body.message).toBe('Invalid JSON');
    const big = await m.call('POST', '/v2/apps', { id: '/big', cmd: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect((await m.call('GET', '/v2/apps/v')).status).toBe(404);
    expect((await m.call('GET', '/ping')).body).toBe('pong');
    expect((await m.call('GET', '/v2/info')).body).toMatchObject({ name: 'marathon', elected: true });
  });
});
