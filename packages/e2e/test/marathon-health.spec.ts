import { waitFor } from '@strata/lib/testing';
import { LocalCluster, MarathonProcess, eventStream } from '../src';

const events = (base: string) => eventStream(`${base}/v2/events`);

jest.setTimeout(120_000);

const server = `${process.execPath} -e "require('http').createServer((q, r) => r.end('ok')).listen(process.env.PORT0)"`;

describe('marathon health checks', () => {
  let cluster: LocalCluster;
  let m: MarathonProcess;
  let stream: ReturnType<typeof events>;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:4;mem:4096;ports:[31000-31200]' });
    m = await MarathonProcess.start(cluster);
    stream = events(m.base);
  });
  afterAll(async () => {
    stream?.close();
    await m?.stop();
    await cluster?.stop();
  });

  const app = async (id: string) => (await m.call('GET', `/v2/apps${id}`)).body.app;

  it('HTTP, TCP and COMMAND checks go healthy, with results on each task', async () => {
    const checks = [
      { protocol: 'HTTP', path: '/', intervalSeconds: 1, gracePeriodSeconds: 30 },
      { protocol: 'TCP', intervalSeconds: 1, gracePeriodSeconds: 30 },
      { protocol: 'COMMAND', command: { value: 'test -n "$PORT0"' }, intervalSeconds: 1, delaySeconds: 0, gracePeriodSeconds: 30 },
    ];
    const r = await m.call('POST', '/v2/apps', { id: '/healthy', cmd: server, cpus: 0.1, mem: 64, instances: 2, healthChecks: checks });
    expect(r.status).toBe(201);
    await waitFor(async () => (await app('/healthy')).tasksHealthy === 2, { timeoutMs: 30_000, what: 'two healthy tasks' });
    const a = await app('/healthy');
    expect(a.tasksUnhealthy).toBe(0);
    expect(a.healthChecks[0]).toMatchObject({ protocol: 'HTTP', path: '/', portIndex: 0, timeoutSeconds: 20, maxConsecutiveFailures: 3 });
    for (const t of a.tasks) {
      expect(t.healthCheckResults).toHaveLength(3);
      expect(t.healthCheckResults.every((h: { alive: boolean }) => h.alive)).toBe(true);
    }
    await waitFor(() => stream.frames.find((f) => f.event === 'health_status_changed_event' && f.data.appId === '/healthy' && f.data.alive === true), { what: 'health_status_changed_event' });
    expect((await m.deployments()).some((d) => d.affectedApps.includes('/healthy'))).toBe(false);
  });

  it('kills and replaces a task whose check keeps failing', async () => {
    await m.call('POST', '/v2/apps', {
      id: '/sick',
      cmd: 'sleep 1000',
      cpus: 0.1,
      mem: 16,
      healthChecks: [{ protocol: 'TCP', intervalSeconds: 1, gracePeriodSeconds: 0, timeoutSeconds: 1, maxConsecutiveFailures: 2 }],
    });
    const kill = await waitFor(() => stream.frames.find((f) => f.event === 'unhealthy_instance_kill_event' && f.data.appId === '/sick'), { timeoutMs: 30_000, what: 'unhealthy_instance_kill_event' });
    expect(kill.data.reason).toContain('TCP health check failed 2 times');
    await waitFor(async () => (await app('/sick')).tasks.some((t: { id: string; state: string }) => t.id !== kill.data.taskId && t.state === 'TASK_RUNNING'), { timeoutMs: 30_000, what: 'a replacement task' });
    const unhealthy = await waitFor(async () => {
      const t = (await app('/sick')).tasks.find((x: { healthCheckResults: unknown[] }) => x.healthCheckResults.length);
      return t?.healthCheckResults[0];
    }, { timeoutMs: 30_000, what: 'a failing result' });
    expect(unhealthy).toMatchObject({ alive: false, lastFailureCause: expect.stringContaining('ECONNREFUSED') });
  });

  it('a never-healthy app blocks its deployment: a second update gets 409, force=true goes through', async () => {
    const first = await m.call('POST', '/v2/apps', { id: '/never', cmd: 'sleep 1000', cpus: 0.1, mem: 16, healthChecks: [{ protocol: 'HTTP', intervalSeconds: 1, gracePeriodSeconds: 300 }] });
    const depId = first.headers.get('marathon-deployment-id');
    await waitFor(async () => (await app('/never')).tasksRunning === 1, { what: 'the task running' });
    expect((await m.deployments()).map((d) => d.id)).toContain(depId);
    expect((await app('/never')).tasksHealthy).toBe(0);
    const blocked = await m.call('PUT', '/v2/apps/never', { cmd: 'sleep 2000' });
    expect(blocked.status).toBe(409);
    expect(blocked.body.deployments).toEqual([{ id: depId }]);
    const forced = await m.call('PUT', '/v2/apps/never?force=true', { cmd: 'sleep 2000', healthChecks: [] });
    expect(forced.status).toBe(200);
    await waitFor(async () => !(await m.deployments()).some((d) => d.affectedApps.includes('/never')), { timeoutMs: 30_000, what: 'the forced deployment to finish' });
    expect(stream.frames.some((f) => f.event === 'deployment_failed' && f.data.id === depId)).toBe(true);
    expect((await app('/never')).cmd).toBe('sleep 2000');
  });
});
