import type { AppDefinition } from '../model/app-definition';
import { validateApp } from '../model/validation';
import { inheritedDependencies, planDeployment } from './planner';

const app = (id: string, extra: Record<string, unknown> = {}): AppDefinition => {
  const v = validateApp({ id, cmd: 'sleep 100', ...extra }, { version: '2026-12-01T00:00:00.000Z' });
  if (!v.ok) throw new Error(JSON.stringify(v.details));
  return v.app;
};
const plan = (changes: Parameters<typeof planDeployment>[0]['changes'], appIds: string[], groups = new Map<string, string[]>()) =>
  planDeployment({ id: 'd1', version: 'v', changes, appIds, groupDependencies: groups });
const steps = (r: ReturnType<typeof plan>) => (r.ok ? r.deployment.steps.map((s) => s.actions.map((a) => `${a.action} ${a.app}`)) : r.cycle);

describe('planDeployment (Marathon\'s deployment plan)', () => {
  it('starts a new app, then scales it', () => {
    expect(steps(plan([{ after: app('/web') }], ['/web']))).toEqual([['StartApplication /web'], ['ScaleApplication /web']]);
  });

  it('stops deleted apps first, and a config change restarts while a scale only scales', () => {
    const web = app('/web');
    const r = plan([{ before: app('/old') }, { before: web, after: { ...web, cmd: 'sleep 200' } }, { before: app('/db'), after: { ...app('/db'), instances: 3 } }], ['/web', '/db']);
    expect(steps(r)).toEqual([['StopApplication /old'], ['ScaleApplication /db', 'RestartApplication /web']]);
  });

  it('orders apps by their dependencies and by their groups\' dependencies, one step per class', () => {
    const r = plan([{ after: app('/prod/web', { dependencies: ['/prod/db'] }) }, { after: app('/prod/db') }, { after: app('/tools/cron') }], ['/prod/web', '/prod/db', '/tools/cron', '/infra/dns'], new Map([['/prod', ['/infra/dns']]]));
    expect(r.ok && r.deployment.appStep).toEqual({ '/prod/db': 2, '/tools/cron': 2, '/prod/web': 3 });
    expect(r.ok && r.deployment.currentStep).toBe(2);
  });

  it('refuses a cycle and names it', () => {
    const r = plan([{ after: app('/a', { dependencies: ['/b'] }) }, { after: app('/b', { dependencies: ['/a'] }) }], ['/a', '/b']);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.cycle.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps what each app was before, for a rollback (null: it did not exist)', () => {
    const web = app('/web');
    const r = plan([{ after: app('/new') }, { before: web, after: { ...web, instances: 2 } }], ['/new', '/web']);
    expect(r.ok && r.deployment.original).toEqual({ '/new': null, '/web': web });
  });

  it('forces a restart when asked, even for a scale-only change', () => {
    const web = app('/web');
    expect(steps(plan([{ before: web, after: { ...web, instances: 5 }, restart: true }], ['/web']))).toEqual([['RestartApplication /web']]);
  });
});

describe('inheritedDependencies', () => {
  it('collects the dependencies of every enclosing group and of the root', () => {
    const groups = new Map([['/', ['/base']], ['/prod', ['/db']], ['/prod/eu', ['/cache']], ['/product', ['/x']]]);
    expect(inheritedDependencies(groups, '/prod/eu/web').sort()).toEqual(['/base', '/cache', '/db']);
  });
});
