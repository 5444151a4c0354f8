import Docker from 'dockerode';
import { waitFor } from '@strata/lib/testing';
import { LocalCluster, MarathonProcess, ensureTestImage, TEST_IMAGE } from '../src';

jest.setTimeout(120_000);

const docker = new Docker();

/**
 * Docker apps get host ports from the offer however Marathon lets them say host networking,
 * and a BRIDGE app's port mappings are reachable through the host port it was given, for real
 * through the engine's bridge (traffic only to 127.0.0.1).
 */
describe('Marathon Docker apps and host ports', () => {
  let cluster: LocalCluster;
  let m: MarathonProcess;
  beforeAll(async () => {
    try {
      await docker.ping();
      await docker.getNetwork('bridge').inspect();
    } catch (err) {
      // CI starts dockerd with its bridge (tools/install-system-deps.sh): without it this suite fails, never skips.
      throw new Error(`no Docker engine with a bridge network: ${(err as Error).message}`);
    }
    await ensureTestImage(docker);
    cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:4;mem:4096;ports:[31000-31100]' });
    m = await MarathonProcess.start(cluster);
  });
  afterAll(async () => {
    await m?.stop();
    await cluster?.stop();
  });

  const runningTask = (id: string) =>
    waitFor(async () => ((await m.call('GET', `/v2/apps${id}/tasks`)).body.tasks as { id: string; state: string; ports: number[]; host: string }[]).find((t) => t.state === 'TASK_RUNNING'), { what: `${id} running`, timeoutMs: 60_000 });
  const answers = async (port: number) => {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      return r.status === 200 ? await r.text() : undefined;
    } catch {
      return undefined;
    }
  };

  it.each([
    ['classic docker.network HOST', { container: { type: 'DOCKER', docker: { image: TEST_IMAGE, network: 'HOST' } } }],
    ['networks mode host', { container: { type: 'DOCKER', docker: { image: TEST_IMAGE } }, networks: [{ mode: 'host' }] }],
    ['neither', { container: { type: 'DOCKER', docker: { image: TEST_IMAGE } } }],
  ])('%s: $PORT0 is an offered port the task listens on', async (name, spec) => {
    const id = `/host-${name.replace(/[^a-z]/g, '').slice(0, 20)}`;
    expect((await m.call('POST', '/v2/apps', { id, cmd: 'httpd -f -p $PORT0 -h /www', cpus: 0.1, mem: 32, instances: 1, portDefinitions: [{ port: 0 }], ...spec })).status).toBe(201);
    const task = await runningTask(id);
    expect(task.ports).toHaveLength(1);
    expect(task.ports[0]).toBeGreaterThanOrEqual(31000);
    expect(await waitFor(() => answers(task.ports[0]!), { what: 'the container answering on $PORT0', timeoutMs: 30_000 })).toBe('hello from a strata container\n');
    const app = (await m.call('GET', `/v2/apps${id}`)).body.app;
    expect(app.networks).toEqual([{ mode: 'host' }]);
    expect(app.container.docker.network).toBeUndefined();
    expect((await m.call('DELETE', `/v2/apps${id}`)).status).toBe(200);
  });

  it('BRIDGE with portMappings (hostPort 0) gets an offered host port mapped to the container port', async () => {
    const r = await m.call('POST', '/v2/apps', { id: '/bridged', cmd: 'httpd -f -p 8080 -h /www', cpus: 0.1, mem: 32, instances: 1, container: { type: 'DOCKER', docker: { image: TEST_IMAGE, network: 'BRIDGE', portMappings: [{ containerPort: 8080, hostPort: 0 }] } } });
    expect(r.status).toBe(201);
    expect(r.body.networks).toEqual([{ mode: 'container/bridge' }]);
    expect(r.body.container.portMappings).toEqual([expect.objectContaining({ containerPort: 8080, hostPort: 0, protocol: 'tcp', servicePort: expect.any(Number) })]);
    const task = await runningTask('/bridged');
    expect(task.ports).toHaveLength(1);
    expect(task.ports[0]).toBeGreaterThanOrEqual(31000);
    expect(await waitFor(() => answers(task.ports[0]!), { what: 'the bridged container through its host port', timeoutMs: 30_000 })).toBe('hello from a strata container\n');
    expect((await m.call('DELETE', '/v2/apps/bridged')).status).toBe(200);
  });
});
