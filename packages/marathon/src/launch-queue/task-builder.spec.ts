import { res } from '@strata/lib';
import { newInstance, taskIdFor } from '../instances/instance';
import { validateApp } from '../model/validation';
import { marathonTaskInfo } from './task-builder';

const appOf = (body: Record<string, unknown>) => {
  const v = validateApp({ id: '/web/api', cpus: 0.1, mem: 32, ...body }, { version: '2026-12-04T00:00:00.000Z' });
  if (!v.ok) throw new Error(JSON.stringify(v.details));
  return v.app;
};

const placed = (app: ReturnType<typeof appOf>) => {
  const inst = { ...newInstance(app.id, app.version, 'u1'), agentId: 'S1', host: 'h1' };
  inst.taskId = taskIdFor(inst, 1);
  return marathonTaskInfo(app, inst, '*', res.resources({ cpus: 0.1, mem: 32 }));
};

describe('marathonTaskInfo', () => {
  it("runs the task as the app's user when it names one, as the framework's otherwise", () => {
    expect(placed(appOf({ cmd: 'sleep 1', user: 'nobody' })).command?.user).toBe('nobody');
    expect(placed(appOf({ cmd: 'sleep 1' })).command?.user).toBeUndefined();
  });

  it('runs cmd in a shell, args without one, and names the task after the app', () => {
    const shell = placed(appOf({ cmd: 'echo hi' }));
    expect([shell.name, shell.command?.shell, shell.command?.value]).toEqual(['api.web', true, 'echo hi']);
    const argv = placed(appOf({ args: ['/bin/echo', 'a b'] }));
    expect([argv.command?.shell, argv.command?.value, argv.command?.arguments]).toEqual([false, '/bin/echo', ['/bin/echo', 'a b']]);
  });
});

describe('marathonTaskInfo with secrets', () => {
  const withSecrets = (extra: Record<string, unknown> = {}) =>
    appOf({ cmd: 'env', env: { PLAIN: 'x', DB: { secret: 'db' } }, secrets: { db: { source: '/web/db-password' }, key: { source: 'tls-key' } }, ...extra });

  it('a secret env is a SECRET variable naming the store path, and no value', () => {
    const vars = placed(withSecrets()).command!.environment!.variables!;
    expect(vars.find((v) => v.name === 'PLAIN')).toEqual({ name: 'PLAIN', value: 'x' });
    expect(vars.find((v) => v.name === 'DB')).toEqual({ name: 'DB', type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: 'web/db-password' } } });
  });

  it('a secret volume of a command app rides in a MESOS container; a Docker one keeps its host volumes beside it', () => {
    const cmdTask = placed(withSecrets({ container: { type: 'MESOS', volumes: [{ containerPath: 'tls/key.pem', secret: 'key' }] } }));
    expect(cmdTask.container).toEqual({ type: 'MESOS', volumes: [{ containerPath: 'tls/key.pem', mode: 'RO', source: { type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: 'tls-key' } } } }] });
    expect(cmdTask.command?.shell).toBe(true);
    const docker = placed(withSecrets({ container: { type: 'DOCKER', docker: { image: 'busybox' }, volumes: [{ containerPath: '/data', hostPath: '/srv', mode: 'RW' }, { containerPath: 'key.pem', secret: 'key' }] } }));
    expect(docker.container!.volumes!.map((v) => [v.containerPath, v.hostPath ?? '', v.source?.type ?? ''])).toEqual([
      ['/data', '/srv', ''],
      ['key.pem', '', 'SECRET'],
    ]);
  });
});
