import { aclAllows, parseAcls, requireAcl } from './acls';

describe('Mesos ACLs', () => {
  const acls = parseAcls({
    permissive: false,
    register_frameworks: [
      { principals: { values: ['marathon'] }, roles: { values: ['web', 'batch'] } },
      { principals: { values: ['intruder'] }, roles: { type: 'NONE' } },
      { principals: { type: 'ANY' }, roles: { values: ['public'] } },
    ],
    run_tasks: [{ principals: { values: ['marathon'] }, users: { values: ['nobody'] } }],
  });

  it('lets a principal do what a rule names for it', () => {
    expect(aclAllows(acls, 'register_frameworks', 'marathon', 'web')).toBe(true);
    expect(aclAllows(acls, 'register_frameworks', 'marathon', 'batch')).toBe(true);
    expect(aclAllows(acls, 'run_tasks', 'marathon', 'nobody')).toBe(true);
  });

  it('refuses what no rule names when not permissive', () => {
    expect(aclAllows(acls, 'register_frameworks', 'chronos', 'web')).toBe(false);
    expect(aclAllows(acls, 'run_tasks', 'marathon', 'root')).toBe(false);
    expect(aclAllows(acls, 'teardown_frameworks', 'marathon', 'marathon')).toBe(false);
  });

  it('the first matching rule decides; NONE refuses every object of its subjects', () => {
    expect(aclAllows(acls, 'register_frameworks', 'intruder', 'public')).toBe(false);
    expect(aclAllows(acls, 'register_frameworks', 'someone', 'public')).toBe(true);
    expect(aclAllows(acls, 'register_frameworks', undefined, 'public')).toBe(true);
    expect(aclAllows(acls, 'register_frameworks', undefined, 'web')).toBe(false);
  });

  it('permissive (the default) allows what no rule matches', () => {
    const open = parseAcls({ run_tasks: [{ principals: { values: ['a'] }, users: { values: ['nobody'] } }] });
    expect(aclAllows(open, 'run_tasks', 'b', 'root')).toBe(true);
    expect(aclAllows(open, 'run_tasks', 'a', 'root')).toBe(true); // no rule matches (a, root): permissive
    expect(aclAllows(parseAcls({}), 'teardown_frameworks', undefined, 'x')).toBe(true);
  });

  it('an absent entity is ANY', () => {
    const a = parseAcls({ permissive: false, view_tasks: [{ principals: { values: ['ops'] } }] });
    expect(aclAllows(a, 'view_tasks', 'ops', 'anyone')).toBe(true);
    expect(aclAllows(a, 'view_tasks', 'dev', 'anyone')).toBe(false);
  });

  it('refuses ACLs it does not understand, saying where', () => {
    expect(() => parseAcls([])).toThrow(/expected a JSON object/);
    expect(() => parseAcls({ register_framework: [] })).toThrow(/unknown action 'register_framework'/);
    expect(() => parseAcls({ permissive: 'no' })).toThrow(/'permissive' must be true or false/);
    expect(() => parseAcls({ run_tasks: {} })).toThrow(/'run_tasks' must be a list/);
    expect(() => parseAcls({ run_tasks: [{ principals: { values: ['a'] }, roles: { type: 'ANY' } }] })).toThrow(/run_tasks\[0\] has 'roles'; a run_tasks rule has 'principals' and 'users'/);
    expect(() => parseAcls({ run_tasks: [{ principals: { type: 'SOME' } }] })).toThrow(/run_tasks\[0\]\.principals\.type must be ANY or NONE/);
    expect(() => parseAcls({ run_tasks: [{ principals: { values: [1] } }] })).toThrow(/values must be a list of strings/);
    expect(() => parseAcls({ run_tasks: [{ principals: { values: ['a'], type: 'ANY' } }] })).toThrow(/both 'type' and 'values'/);
  });

  it('requireAcl throws a 403 FORBIDDEN saying what was refused, and passes what is allowed', () => {
    const a = parseAcls({ permissive: false, update_weights: [{ principals: { values: ['ops'] }, roles: { type: 'ANY' } }] });
    expect(() => requireAcl(a, 'update_weights', 'ops', 'web', 'update weights')).not.toThrow();
    let thrown: unknown;
    try {
      requireAcl(a, 'update_weights', 'dev', 'web', "update the weight of role 'web'");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: 'FORBIDDEN', status: 403, message: "Not authorized to update the weight of role 'web'", context: { action: 'update_weights', principal: 'dev', object: 'web' } });
  });
});
