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
