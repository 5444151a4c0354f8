import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { res } from '@strata/lib';
import { taskInfo, offerResources, type TaskSpec } from '@strata/sdk';
import type { ContainerInfo, Offer__Output } from '@strata/proto';
import { LocalCluster, TestFramework, ensureTestImage, TEST_IMAGE } from '../src';

jest.setTimeout(120_000);

const docker = new Docker();
const gates = tmpDir('strata-docker-gates-');
afterAll(() => gates.remove());

const container = (extra: Partial<ContainerInfo['docker']> = {}, volumes: ContainerInfo['volumes'] = []): ContainerInfo => ({
  type: 'DOCKER',
  docker: { image: TEST_IMAGE, network: 'HOST', ...extra },
  volumes,
});

describe('Docker containerizer through the master, against a real engine', () => {
  let cluster: LocalCluster;
  let f: TestFramework;
  let agentHttp: string;

  beforeAll(async () => {
    try {
      await docker.ping();
    } catch (err) {
      // CI installs and starts dockerd (tools/install-system-deps.sh); without it this suite must fail, not skip.
      throw new Error(`no Docker engine at /var/run/docker.sock: ${(err as Error).message}`);
    }
    await ensureTestImage(docker);
    cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:4;mem:4096;ports:[31000-31100]' });
    agentHttp = `127.0.0.1:${(cluster.agents[0]!.logs.find((l) => l.msg === 'agent listening') as { port: number }).port}`;
    f = await TestFramework.subscribe(cluster.masterAddress, { failoverTimeout: 300 });
  });
  afterAll(async () => {
    f?.close();
    await cluster?.stop();
  });

  type Spec = Omit<TaskSpec, 'cpus' | 'mem'> & { cpus?: number; mem?: number };
  const launch = async (specs: Spec | Spec[]) => {
    const list = (Array.isArray(specs) ? specs : [specs]).map((s) => ({ cpus: 0.1, mem: 64, ...s }) as TaskSpec);
    // Ended tasks come back as small offers of their own: take one that holds the whole batch.
    const need = res.resources({ cpus: list.reduce((n, s) => n + s.cpus, 0), mem: list.reduce((n, s) => n + s.mem, 0) });
    const o = await f.nextOffer((x) => res.contains(offerResources(x), need));
    f.driver.launch([o.id!.value], list.map((s) => taskInfo(o, s)), { refuseSeconds: 0 });
    return o;
  };
  const stdout = async (taskId: string) => {
    const r = await fetch(`http://${agentHttp}/files/read?path=${encodeURIComponent(`${f.driver.frameworkId}/${taskId}/stdout`)}`);
    return ((await r.json()) as { data: string }).data;
  };
  const containersOf = async (taskId: string) => docker.listContainers({ all: true, filters: { label: [`strata.task_id=${taskId}`] } });

  it('runs a container task to its exit code, with its output in the sandbox, then removes the container', async () => {
    await launch([
      { id: 'd-ok', command: 'echo hello from $MESOS_SANDBOX', container: container() },
      { id: 'd-fail', command: 'exit 3', container: container() },
      { id: 'd-image-cmd', container: container() },
    ]);
    await f.waitForState('d-ok', 'TASK_FINISHED');
    expect(f.states('d-ok')).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
    expect((await f.waitForState('d-fail', 'TASK_FAILED')).exitCode).toBe(3);
    await f.waitForState('d-image-cmd', 'TASK_FINISHED');
    expect(await stdout('d-ok')).toBe('hello from /mnt/mesos/sandbox\n');
    expect(await stdout('d-image-cmd')).toBe('from the image cmd\n');
    await waitFor(async () => (await containersOf('d-ok')).length === 0, { what: 'the container to be removed' });
  });

  it("gives the container its task's cpu shares and memory limit", async () => {
    await launch({ id: 'd-limits', command: 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares', cpus: 0.5, mem: 64, container: container() });
    await f.waitForState('d-limits', 'TASK_FINISHED');
    expect(await stdout('d-limits')).toBe(`${64 * 1024 * 1024}\n512\n`);
  });

  it('serves on the offered port with HOST networking, and reads a volume', async () => {
    const data = path.join(gates.path, 'vol');
    mkdirSync(data, { recursive: true });
    writeFileSync(path.join(data, 'data.txt'), 'from the host\n');
    const o = await f.nextOffer((x) => (offerResources(x).ranges.ports?.length ?? 0) > 0);
    const port = offerResources(o).ranges.ports![0]!.begin;
    f.driver.launch([o.id!.value], [
      taskInfo(o, { id: 'd-web', command: 'httpd -f -p $PORT0 -h /www', cpus: 0.1, mem: 32, ports: [port], container: container() }),
      taskInfo(o, { id: 'd-vol', command: 'cat /data/data.txt; echo x > /data/new || echo read-only', cpus: 0.1, mem: 32, container: container({}, [{ hostPath: data, containerPath: '/data', mode: 'RO' }]) }),
    ], { refuseSeconds: 0 });
    await f.waitForState('d-web', 'TASK_RUNNING');
    const body = await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/index.html`)).text(), { what: 'httpd to answer' });
    expect(body).toBe('hello from a strata container\n');
    await f.waitForState('d-vol', 'TASK_FINISHED');
    expect(await stdout('d-vol')).toBe('from the host\nread-only\n');
    f.driver.kill('d-web');
    await f.waitForState('d-web', 'TASK_KILLED');
  });

  it('kills with the grace period: SIGTERM first, SIGKILL when it runs out', async () => {
    await launch([
      { id: 'd-obeys', command: 'trap "exit 0" TERM; sleep 300 & wait', container: container(), killGraceMs: 30_000 },
      { id: 'd-ignores', command: 'trap "" TERM; sleep 300 & wait; sleep 300', container: container(), killGraceMs: 1_000 },
    ]);
    await f.waitForState('d-obeys', 'TASK_RUNNING');
    await f.waitForState('d-ignores', 'TASK_RUNNING');
    const t0 = Date.now();
    f.driver.kill('d-obeys');
    f.driver.kill('d-ignores');
    await f.waitForState('d-obeys', 'TASK_KILLED', 20_000);
    expect(Date.now() - t0).toBeLessThan(20_000); // its SIGTERM ended it: a SIGKILL would have waited out the 30 s grace
    await f.waitForState('d-ignores', 'TASK_KILLED');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    await waitFor(async () => (await containersOf('d-ignores')).length === 0, { what: 'the killed container to be removed' });
  });

  it('reports an OOM kill as REASON_CONTAINER_LIMITATION_MEMORY', async () => {
    await launch({ id: 'd-oom', command: 'x=aaaaaaaa; while :; do x=$x$x; done', mem: 32, container: container() });
    const s = await f.waitForState('d-oom', 'TASK_FAILED', 30_000);
    expect(s.reason).toBe('REASON_CONTAINER_LIMITATION_MEMORY');
  });

  it('a container task gets its secrets: the variable in its environment, the file in its mounted sandbox', async () => {
    const value = `pw-${Date.now()}`;
    for (const [p, v] of [['docker/pw', value], ['docker/key', `key-${value}`]]) {
      const r = await fetch(`http://${cluster.masterAddress}/secrets/v1/secret/default/${p}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: v }) });
      expect(r.status).toBe(201);
    }
    const ref = (name: string) => ({ type: 'REFERENCE' as const, reference: { name } });
    await launch({
      id: 'd-secrets',
      command: 'printf "%s|" "$PW"; cat "$MESOS_SANDBOX/tls/key.pem"',
      secretEnv: { PW: 'docker/pw' },
      container: { ...container(), volumes: [{ containerPath: 'tls/key.pem', mode: 'RO', source: { type: 'SECRET', secret: ref('docker/key') } }] },
    });
    await f.waitForState('d-secrets', 'TASK_FINISHED', 60_000);
    expect(await stdout('d-secrets')).toBe(`${value}|key-${value}`);
  });

  it('fails cleanly when the image cannot be pulled; BRIDGE runs on the engine\'s bridge', async () => {
    const t0 = Date.now();
    await launch([
      { id: 'd-nopull', command: 'true', container: { type: 'DOCKER', docker: { image: 'strata-test/no-such-image:1', network: 'HOST' } } },
      { id: 'd-bridge', command: 'true', container: container({ network: 'BRIDGE' }) },
    ]);
    const pull = await f.waitForState('d-nopull', 'TASK_FAILED', 60_000);
    expect(pull.reason).toBe('REASON_CONTAINER_LAUNCH_FAILED');
    expect(pull.message).toContain("cannot pull image 'strata-test/no-such-image:1'");
    expect(Date.now() - t0).toBeLessThan(60_000);
    // The engine runs with its default bridge (tools/install-system-deps.sh): a BRIDGE task runs there.
    await f.waitForState('d-bridge', 'TASK_FINISHED', 30_000);
  });

  it('recovers containers after an agent SIGKILL: running ones reattached, ended ones reported, orphans removed', async () => {
    const gate = (id: string) => `while [ ! -s /gates/${id} ]; do sleep 0.05; done; exit $(cat /gates/${id})`;
    const vol = [{ hostPath: gates.path, containerPath: '/gates', mode: 'RO' as const }];
    await launch([
      { id: 'd-keep', command: gate('d-keep'), container: container({}, vol) },
      { id: 'd-down', command: gate('d-down'), container: container({}, vol) },
    ]);
    await f.waitForState('d-keep', 'TASK_RUNNING');
    await f.waitForState('d-down', 'TASK_RUNNING');
    const keepId = (await containersOf('d-keep'))[0]!.Id;

    await cluster.agents[0]!.stop('SIGKILL');
    // An orphan: a container with this agent's label that no task owns.
    const agentKey = createHash('sha1').update(path.join(cluster.dir.path, 'agent-0')).digest('hex').slice(0, 12);
    const orphan = await docker.createContainer({ Image: TEST_IMAGE, Cmd: ['sleep', '300'], Labels: { 'strata.agent': agentKey, 'strata.container_id': 'nobody', 'strata.task_id': 'nobody' } });
    await orphan.start();
    writeFileSync(path.join(gates.path, 'd-down'), '5');
    await waitFor(async () => !(await docker.getContainer((await containersOf('d-down'))[0]!.Id).inspect()).State.Running, { what: 'd-down to exit while the agent is down' });

    await cluster.restartAgent(0);
    expect((await f.waitForState('d-down', 'TASK_FAILED')).exitCode).toBe(5);
    await waitFor(async () => (await docker.listContainers({ all: true, filters: { id: [orphan.id] } })).length === 0, { what: 'the orphan to be removed' });
    expect((await containersOf('d-keep'))[0]!.Id).toBe(keepId); // the same container, not a new one
    writeFileSync(path.join(gates.path, 'd-keep'), '0');
    await f.waitForState('d-keep', 'TASK_FINISHED');
  });
});

describe('an agent without a Docker engine', () => {
  it('keeps working and fails DOCKER tasks clearly', async () => {
    const cluster = await LocalCluster.start({ agents: 1, agentArgs: ['--docker-socket', '/nonexistent/docker.sock'] });
    const f = await TestFramework.subscribe(cluster.masterAddress);
    try {
      const o: Offer__Output = await f.nextOffer();
      f.driver.launch([o.id!.value], [
        taskInfo(o, { id: 'needs-docker', command: 'true', cpus: 0.1, mem: 32, container: container() }),
        taskInfo(o, { id: 'plain', command: 'true', cpus: 0.1, mem: 32 }),
      ]);
      const s = await f.waitForState('needs-docker', 'TASK_FAILED');
      expect(s.message).toContain('DOCKER tasks cannot run on this agent: no Docker engine at /nonexistent/docker.sock');
      await f.waitForState('plain', 'TASK_FINISHED');
    } finally {
      f.close();
      await cluster.stop();
    }
  });
});
