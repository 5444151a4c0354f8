import { validateApp } from './validation';
import { appIdProblems, resolvePathId, safePathId } from './path-id';
import { needsRestart } from './app-definition';

const V = '2026-11-24T00:00:00.000Z';
const ok = (body: unknown, opts: Parameters<typeof validateApp>[1] = { version: V }) => {
  const r = validateApp(body, opts);
  if (!r.ok) throw new Error(JSON.stringify(r.details));
  return r.app;
};
const details = (body: unknown) => {
  const r = validateApp(body, { version: V });
  if (r.ok) throw new Error('expected invalid');
  return r.details;
};

describe('path ids', () => {
  it('resolves relative ids and .. like Marathon', () => {
    expect(resolvePathId('web')).toBe('/web');
    expect(resolvePathId('/prod/web/')).toBe('/prod/web');
    expect(resolvePathId('../db', '/prod/web')).toBe('/prod/db');
    expect(resolvePathId('Web')).toBeUndefined();
    expect(resolvePathId('-web')).toBeUndefined();
    expect(safePathId('/prod/web')).toBe('prod_web');
  });
  it('refuses reserved last segments and the root', () => {
    expect(appIdProblems('/a/restart')[0]).toContain('reserved words');
    expect(appIdProblems('/')[0]).toContain('at least one path element');
    expect(appIdProblems('/a/b.c-d')).toEqual([]);
  });
});

describe('validateApp', () => {
  it("fills Marathon's defaults", () => {
    const app = ok({ id: 'web', cmd: 'sleep 100' });
    expect(app).toMatchObject({
      id: '/web', instances: 1, cpus: 1, mem: 128, disk: 0, gpus: 0, backoffSeconds: 1, backoffFactor: 1.15, maxLaunchDelaySeconds: 300,
      upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 }, killSelection: 'YOUNGEST_FIRST',
      unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 }, requirePorts: false,
      portDefinitions: [{ port: 0, protocol: 'tcp', name: 'default', labels: {} }], version: V,
    });
  });

  it('defaults health checks fully (marathon-lb reads every field)', () => {
    const app = ok({ id: 'web', cmd: 'x', healthChecks: [{ protocol: 'HTTP' }, { protocol: 'COMMAND', command: { value: 'true' } }] });
    expect(app.healthChecks[0]).toEqual({ protocol: 'HTTP', path: '/', portIndex: 0, gracePeriodSeconds: 300, intervalSeconds: 60, timeoutSeconds: 20, maxConsecutiveFailures: 3, delaySeconds: 15, ignoreHttp1xx: false, ipProtocol: 'IPv4' });
    expect(app.healthChecks[1]).toMatchObject({ protocol: 'COMMAND', command: { value: 'true' } });
  });

  it.each([
    [{ id: 'Bad_Id', cmd: 'x' }, '/id'],
    [{ cmd: 'x' }, '/id'],
    [{ id: 'a', cmd: 'x', cpus: -1 }, '/cpus'],
    [{ id: 'a', cmd: 'x', mem: -5 }, '/mem'],
    [{ id: 'a', cmd: 'x', instances: 1.5 }, '/instances'],
    [{ id: 'a', cmd: 'x', instances: 'three' }, '/instances'],
    [{ id: 'a', cmd: 'x', upgradeStrategy: { minimumHealthCapacity: 1.5 } }, '/upgradeStrategy/minimumHealthCapacity'],
    [{ id: 'a', cmd: 'x', portDefinitions: [{ port: 8080 }, { port: 8080 }] }, '/portDefinitions'],
    [{ id: 'a', cmd: 'x', constraints: [['hostname', 'SOMETIMES']] }, '/constraints/0'],
    [{ id: 'a', cmd: 'x', constraints: [['rack', 'MAX_PER']] }, '/constraints/0'],
    [{ id: 'a' }, '/'],
    [{ id: 'a', cmd: 'x', args: ['y'] }, '/'],
    [{ id: 'a', cmd: 'x', healthChecks: [{ protocol: 'HTTP', portIndex: 3 }] }, '/healthChecks/0/portIndex'],
    [{ id: 'a', cmd: 'x', fetch: [{ uri: 'http://x' }], uris: ['http://y'] }, '/fetch'],
    [{ id: 'a', cmd: 'x', unreachableStrategy: { inactiveAfterSeconds: 10, expungeAfterSeconds: 5 } }, '/unreachableStrategy/inactiveAfterSeconds'],
  ])('rejects %j at %s', (body, path) => {
    expect(details(body).map((d) => d.path)).toContain(path);
  });

  it('rejects a body that is not an object', () => {
    expect(details([1, 2])).toEqual([{ path: '/', errors: ['error.expected.jsobject'] }]);
  });

  it('merges a partial update onto the current definition', () => {
    const base = ok({ id: 'web', cmd: 'sleep 100', instances: 3, env: { A: '1' } });
    const next = ok({ instances: 5 }, { id: '/web', base, version: 'v2' });
    expect(next).toMatchObject({ id: '/web', cmd: 'sleep 100', instances: 5, env: { A: '1' }, version: 'v2' });
    expect(needsRestart(base, next)).toBe(false);
    expect(needsRestart(base, ok({ cmd: 'sleep 200' }, { id: '/web', base, version: 'v3' }))).toBe(true);
  });
});

describe('bounds and hostile definitions', () => {
  const paths = (body: unknown, opts: Partial<Parameters<typeof validateApp>[1]> = {}) => {
    const r = validateApp(body, { version: V, ...opts });
    return r.ok ? [] : r.details.map((d) => d.path);
  };
  it('limits ids, instances (configurable), durations and list sizes', () => {
    expect(paths({ id: '/' + 'a'.repeat(5000), cmd: 'x' })).toEqual(['/id']);
    expect(paths({ id: '/' + 'a'.repeat(254), cmd: 'x' })).toEqual([]);
    expect(paths({ id: '/a', cmd: 'x', instances: 10_001 })).toEqual(['/instances']);
    expect(paths({ id: '/a', cmd: 'x', instances: 10_000 })).toEqual([]);
    expect(paths({ id: '/a', cmd: 'x', instances: 11 }, { limits: { maxInstances: 10 } })).toEqual(['/instances']);
    expect(paths({ id: '/a', cmd: 'x', healthChecks: [{ protocol: 'TCP', intervalSeconds: 2_147_484 }] })).toEqual(['/healthChecks/0/intervalSeconds']);
    expect(paths({ id: '/a', cmd: 'x', healthChecks: [{ protocol: 'TCP', intervalSeconds: 2_147_483 }] })).toEqual([]);
    expect(paths({ id: '/a', cmd: 'x', taskKillGracePeriodSeconds: 1e10 })).toEqual(['/taskKillGracePeriodSeconds']);
    expect(paths({ id: '/a', cmd: 'x', ports: Array(1001).fill(0) })).toEqual(['/ports']);
  });
  it('refuses self-dependencies, invalid roles, control characters in paths and sandbox escapes', () => {
    expect(paths({ id: '/a/b', cmd: 'x', dependencies: ['b'] })).toEqual(['/dependencies/0']);
    expect(paths({ id: '/a/b', cmd: 'x', dependencies: ['../c'] })).toEqual([]);
    expect(paths({ id: '/a', cmd: 'x', role: '../../x' })).toEqual(['/role']);
    expect(paths({ id: '/a', cmd: 'x', role: 'web' })).toEqual([]);
    expect(paths({ id: '/a', cmd: 'x', acceptedResourceRoles: ['*', ''] })).toEqual(['/acceptedResourceRoles/1']);
    expect(paths({ id: '/a', cmd: 'x', healthChecks: [{ path: '/ok\r\n' }] })).toEqual(['/healthChecks/0/path']);
    expect(paths({ id: '/a', cmd: 'x', fetch: [{ uri: 'u', destPath: 'a/../../b' }] })).toEqual(['/fetch/0/destPath']);
    expect(paths({ id: '/a', cmd: 'x', fetch: [{ uri: 'u', destPath: 'sub/file' }] })).toEqual([]);
    expect(paths({ id: '/a', cmd: 'x', ports: [0], portDefinitions: [{ port: 0 }] })).toEqual(['/']);
  });
});

describe('secrets', () => {
  it('keeps env references and secrets as given (no value is ever in the definition)', () => {
    const app = ok({ id: '/team/web', cmd: 'x', env: { DB: { secret: 's' }, A: 'b' }, secrets: { s: { source: 'team/db' } } });
    expect(app.env).toEqual({ DB: { secret: 's' }, A: 'b' });
    expect(app.secrets).toEqual({ s: { source: 'team/db' } });
    expect(ok({ id: '/a', cmd: 'x' }).secrets).toEqual({});
  });

  it('an env or a volume naming no secret of the app is a 422 in Marathon words', () => {
    expect(details({ id: '/a', cmd: 'x', env: { DB: { secret: 'nope' } } })).toEqual([{ path: '/env/DB', errors: ["references an undefined secret named 'nope'"] }]);
    expect(details({ id: '/a', cmd: 'x', secrets: { s: { source: 'k' } }, container: { type: 'MESOS', volumes: [{ containerPath: '../out', secret: 'other' }] } })).toEqual([
      { path: '/container/volumes/0/secret', errors: ["references an undefined secret named 'other'"] },
      { path: '/container/volumes/0/containerPath', errors: ["must be a relative path inside the sandbox, without '..'"] },
    ]);
  });

  it('a source that is no store path, or that belongs to another group, is refused', () => {
    expect(details({ id: '/a', cmd: 'x', secrets: { s: { source: '../etc' } } })[0]!.path).toBe('/secrets/s/source');
    expect(details({ id: '/teama/web', cmd: 'x', secrets: { s: { source: 'teamb/db' } } })).toEqual([{ path: '/secrets/s/source', errors: ["the secret 'teamb/db' is only for services under /teamb"] }]);
  });
});
