import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { LocalCluster, MarathonProcess, pidsOfTask } from '../src';

jest.setTimeout(120_000);

describe('marathon failures', () => {
  let cluster: LocalCluster;
  let m: MarathonProcess;
  const gates = tmpDir('strata-marathon-gates-');
  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 2, resources: 'cpus:4;mem:4096;ports:[31000-31200]' });
    m = await MarathonProcess.start(cluster);
  });
  afterAll(async () => {
    await m?.stop();
    await cluster?.stop();
    gates.remove();
  });
  const tasks = async (id: string) => (await m.call('GET', `/v2/apps${id}/tasks`)).body.tasks as { id: string; state: string; version: string }[];

  it('finishes a deployment after marathon is SIGKILLed in the middle, with no extra kills', async () => {
    writeFileSync(path.join(gates.path, 'v1'), 'ok');
    const health = [{ protocol: 'COMMAND', command: { value: 'test -e "$HEALTHY_FILE"' }, intervalSeconds: 1, delaySeconds: 0, gracePeriodSeconds: 60 }];
    await m.call('POST', '/v2/apps', { id: '/resume', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 3, env: { HEALTHY_FILE: path.join(gates.path, 'v1') }, healthChecks: health, upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 0 } });
    await waitFor(async () => (await m.call('GET', '/v2/apps/resume')).body.app.tasksHealthy === 3 && (await m.deployments()).length === 0, { timeoutMs: 30_000, what: 'v1 healthy' });
    const v1 = (await tasks('/resume')).map((t) => t.id).sort();

    // v2 stays unhealthy until the gate opens: the one-at-a-time upgrade stalls with 1 new task.
    await m.call('PUT', '/v2/apps/resume', { env: { HEALTHY_FILE: path.join(gates.path, 'v2') } });
    await waitFor(async () => (await tasks('/resume')).filter((t) => t.state === 'TASK_RUNNING').length === 4, { what: 'the first new task running' });
    const before = (await tasks('/resume')).map((t) => t.id).sort();
    const firstNew = before.find((id) => !v1.includes(id))!;

    await m.stop('SIGKILL');
    await m.launch();
    await waitFor(async () => (await m.call('GET', '/v2/info')).body.frameworkId, { what: 'marathon back' });
    await waitFor(async () => (await tasks('/resume')).filter((t) => t.state === 'TASK_RUNNING').length === 4, { what: 'the same 4 tasks reconciled' });
    expect((await tasks('/resume')).map((t) => t.id).sort()).toEqual(before); // nothing killed, nothing relaunched
    expect((await m.deployments()).some((d) => d.affectedApps.includes('/resume'))).toBe(true);

    writeFileSync(path.join(gates.path, 'v2'), 'ok');
    await waitFor(async () => (await m.deployments()).length === 0, { timeoutMs: 60_000, what: 'the deployment to finish' });
    const after = (await tasks('/resume')).map((t) => t.id);
    expect(after).toHaveLength(3);
    expect(after).toContain(firstNew); // the task started before the restart was kept
    expect(after.filter((id) => v1.includes(id))).toEqual([]);
  });

  it('replaces a task whose process group is killed behind its back', async () => {
    await m.call('POST', '/v2/apps', { id: '/victim', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 1 });
    const [task] = await waitFor(async () => {
      const t = (await tasks('/victim')).filter((x) => x.state === 'TASK_RUNNING');
      return t.length === 1 ? t : undefined;
    }, { what: 'the task running' });
    const pids = pidsOfTask(task!.id);
    expect(pids.length).toBeGreaterThan(0);
    process.kill(-Math.min(...pids), 'SIGKILL'); // the executor leads the task's process group
    const replacement = await waitFor(async () => (await tasks('/victim')).find((t) => t.id !== task!.id && t.state === 'TASK_RUNNING'), { timeoutMs: 30_000, what: 'a replacement' });
    expect(replacement.id).toMatch(/\._app\.2$/); // same instance, next incarnation
    const failure = (await m.call('GET', '/v2/apps/victim')).body.app.lastTaskFailure;
    expect(failure).toMatchObject({ taskId: task!.id, state: 'TASK_FAILED' });
  });
});
