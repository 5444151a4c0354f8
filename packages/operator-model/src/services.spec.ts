import { definitionDiff, editableDefinition, groupTrail, searchApps, serviceLevel } from './services';

const app = (id: string, instances = 1, tasksRunning = instances, deploying = false) => ({ id, instances, tasksRunning, cpus: 0.1, mem: 32, ...(deploying ? { deployments: [{ id: 'd' }] } : {}) });

describe('serviceLevel', () => {
  const apps = [app('/web'), app('/prod/api', 3, 2, true), app('/prod/db/pg', 1), app('/prod/db/redis', 2), app('/dev/api', 0, 0), app('/production', 1)];

  it('lists the groups right under the root with everything below them, then its own apps', () => {
    const root = serviceLevel(apps, '/');
    expect(root.groups).toEqual([
      { id: '/dev', apps: 1, running: 0, instances: 0, deploying: 0 },
      { id: '/prod', apps: 3, running: 5, instances: 6, deploying: 1 },
    ]);
    expect(root.apps.map((a) => a.id)).toEqual(['/production', '/web']);
  });

  it('goes down a level, with or without slashes around the group id; a group only matches whole segments', () => {
    for (const g of ['/prod', 'prod', '/prod/']) {
      const level = serviceLevel(apps, g);
      expect([level.groups.map((x) => x.id), level.apps.map((a) => a.id)]).toEqual([['/prod/db'], ['/prod/api']]);
    }
    expect(serviceLevel(apps, '/prod/db').apps.map((a) => a.id)).toEqual(['/prod/db/pg', '/prod/db/redis']);
    expect(serviceLevel(apps, '/nothing')).toEqual({ groups: [], apps: [] });
  });

  it('has a trail from the root for the breadcrumb, and a flat search at any depth', () => {
    expect(groupTrail('/prod/db')).toEqual(['/', '/prod', '/prod/db']);
    expect(groupTrail('/')).toEqual(['/']);
    expect(searchApps(apps, 'API').map((a) => a.id)).toEqual(['/dev/api', '/prod/api']);
  });
});

describe('definitionDiff', () => {
  it('lists each changed field by path, nested objects key by key, arrays whole; Marathon bookkeeping ignored', () => {
    const a = { id: '/web', cmd: 'sleep 1', mem: 32, labels: { tier: 'web', team: 'a' }, args: ['x'], version: 'v1', tasksRunning: 2 };
    const b = { id: '/web', cmd: 'sleep 2', mem: 32, labels: { tier: 'web', owner: 'b' }, args: ['x', 'y'], version: 'v2', tasksRunning: 1, cpus: 1 };
    expect(definitionDiff(a, b)).toEqual([
      { path: '/args', from: ['x'], to: ['x', 'y'] },
      { path: '/cmd', from: 'sleep 1', to: 'sleep 2' },
      { path: '/cpus', to: 1 },
      { path: '/labels/owner', to: 'b' },
      { path: '/labels/team', from: 'a' },
    ]);
    expect(definitionDiff(a, { ...a })).toEqual([]);
  });
});

describe('editableDefinition', () => {
  it("keeps the user's fields and drops Marathon's bookkeeping", () => {
    expect(editableDefinition({ id: '/web', cmd: 'x', instances: 2, version: 'v', tasks: [], tasksRunning: 2, deployments: [], lastTaskFailure: {} })).toEqual({ id: '/web', cmd: 'x', instances: 2 });
  });
});
