import { PERMISSION_ACTIONS, PERMISSIVE_PERMISSIONS, chronosResource, marathonResource, parsePermissions, permits, permitter, secretResource, seesInto } from './permissions';

describe('per-path permissions', () => {
  const p = parsePermissions({
    permissions: [
      { principal: 'teama', resource: 'dcos:service:marathon:marathon:services:/teama', actions: 'full' },
      { principal: 'viewer', resource: 'dcos:service:marathon:marathon:services:/', actions: ['read'] },
      { principal: 'nightly', resource: 'dcos:service:chronos:chronos:jobs:nightly', actions: ['create', 'read'] },
      { principal: 'admin', resource: 'dcos:superuser', actions: 'full' },
    ],
  });

  it('a grant on a group covers it and everything under it, not a sibling with the same prefix', () => {
    expect(permits(p, 'teama', 'delete', marathonResource('/teama'))).toBe(true);
    expect(permits(p, 'teama', 'update', marathonResource('/teama/web/api'))).toBe(true);
    expect(permits(p, 'teama', 'read', marathonResource('/teamab/web'))).toBe(false);
    expect(permits(p, 'teama', 'read', marathonResource('/teamb/web'))).toBe(false);
    expect(permits(p, 'teama', 'read', marathonResource('/'))).toBe(false);
  });

  it("a grant on a secret path covers it and the secrets under it, with or without the store path's slash", () => {
    const q = parsePermissions({ permissions: [{ principal: 'teama', resource: 'dcos:secrets:default:/teama', actions: ['read'] }] });
    expect(permits(q, 'teama', 'read', secretResource('teama/db'))).toBe(true);
    expect(permits(q, 'teama', 'read', secretResource('/teama'))).toBe(true);
    expect(permits(q, 'teama', 'read', secretResource('teamab/db'))).toBe(false);
    expect(permits(q, 'teama', 'update', secretResource('teama/db'))).toBe(false);
  });

  it('only the actions granted', () => {
    expect(permits(p, 'viewer', 'read', marathonResource('/teamb/web'))).toBe(true);
    expect(permits(p, 'viewer', 'update', marathonResource('/teamb/web'))).toBe(false);
    expect(permits(p, 'nightly', 'create', chronosResource('nightly.backup'))).toBe(true);
    expect(permits(p, 'nightly', 'delete', chronosResource('nightly'))).toBe(false);
    expect(permits(p, 'nightly', 'read', chronosResource('nightly2'))).toBe(false);
  });

  it('the superuser may do anything; anonymous and unknown principals nothing', () => {
    expect(permits(p, 'admin', 'delete', marathonResource('/anything'))).toBe(true);
    expect(permits(p, 'admin', 'create', chronosResource('x'))).toBe(true);
    expect(permits(p, undefined, 'read', marathonResource('/teama'))).toBe(false);
    expect(permits(p, 'stranger', 'read', marathonResource('/teama'))).toBe(false);
  });

  it('a group above a grant is seen into (a way to the grant), not read', () => {
    expect(seesInto(p, 'teama', marathonResource('/'))).toBe(true);
    expect(permits(p, 'teama', 'read', marathonResource('/'))).toBe(false);
    expect(seesInto(p, 'teama', marathonResource('/teamb'))).toBe(false);
    expect(seesInto(p, 'stranger', marathonResource('/'))).toBe(false);
  });

  it('refuses a file it does not understand', () => {
    expect(() => parsePermissions({})).toThrow(/'permissions' must be a list/);
    expect(() => parsePermissions({ permissions: [], extra: 1 })).toThrow(/unknown field 'extra'/);
    expect(() => parsePermissions({ permissions: [{ principal: 'a', resource: 'marathon:/x', actions: 'full' }] })).toThrow(/resource must be/);
    expect(() => parsePermissions({ permissions: [{ principal: 'a', resource: 'dcos:superuser', actions: ['write'] }] })).toThrow(/actions must be "full" or a list/);
    expect(() => parsePermissions({ permissions: [{ resource: 'dcos:superuser', actions: 'full' }] })).toThrow(/principal must be a name/);
  });

  it('permitter answers as permits for every principal, action and object (one lookup of grants per list)', () => {
    const p = parsePermissions({
      permissions: [
        { principal: 'a', resource: 'dcos:service:marathon:marathon:services:/teama', actions: ['read'] },
        { principal: 'a', resource: 'dcos:service:chronos:chronos:jobs:nightly', actions: 'full' },
        { principal: 'b', resource: 'dcos:service:marathon:marathon:services:/', actions: ['read', 'update'] },
        { principal: 'b', resource: 'dcos:secrets:default:/team/db', actions: ['read'] },
        { principal: 'root', resource: 'dcos:superuser', actions: ['read'] },
      ],
    });
    const objects = ['/teama', '/teama/web', '/teamab', '/teamb/x', '/', '/teama/deep/er'].map(marathonResource)
      .concat(['nightly', 'nightly.backup', 'nightly2', 'daily'].map(chronosResource), ['team/db', '/team/db/pw', 'team/dbx'].map(secretResource));
    let checked = 0;
    for (const perms of [p, PERMISSIVE_PERMISSIONS]) {
      for (const who of ['a', 'b', 'root', 'nobody', undefined]) {
        for (const action of PERMISSION_ACTIONS) {
          const can = permitter(perms, who, action);
          for (const r of objects) {
            expect([who, action, r, can(r)]).toEqual([who, action, r, permits(perms, who, action, r)]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(2 * 5 * 4 * objects.length);
    // And it does decide: not everything is allowed, nor everything refused.
    expect(permitter(p, 'a', 'read')(marathonResource('/teama/web'))).toBe(true);
    expect(permitter(p, 'a', 'read')(marathonResource('/teamab'))).toBe(false);
  });
});
