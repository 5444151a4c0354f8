import { roleProblem } from './roles';
import { sandboxPathProblem } from './sandbox-path';

describe('roleProblem (Mesos role rules)', () => {
  it.each(['*', 'web', 'eng/frontend', 'a.b', 'a-b', 'A_1', 'x'.repeat(255)])('accepts %s', (r) => expect(roleProblem(r)).toBeUndefined());
  it.each([
    ['', /Empty/],
    ['.', /'\.' or '\.\.'/],
    ['..', /'\.' or '\.\.'/],
    ['../x', /'\.' or '\.\.'/],
    ['a/../b', /'\.' or '\.\.'/],
    ['-x', /start with '-'/],
    ['a/-x', /start with '-'/],
    ['/a', /start with a slash/],
    ['a/', /end with a slash/],
    ['a//b', /adjacent slashes/],
    ['a/*', /'\*'/],
    ['a b', /whitespace/],
    ['a\tb', /whitespace/],
    ['a\\b', /backslash/],
    ['a\x7fb', /control/],
    ['x'.repeat(256), /longer than 255/],
  ])('refuses %j', (r, why) => expect(roleProblem(r)).toMatch(why));
});

describe('sandboxPathProblem', () => {
  it.each(['file', 'sub/dir/f.txt', './x', 'a..b'])('accepts %s', (p) => expect(sandboxPathProblem(p)).toBeUndefined());
  it.each(['/etc/x', '../x', 'a/../../b', 'a\\..\\b', 'x\0y'])('refuses %j', (p) => expect(sandboxPathProblem(p)).toMatch(/inside the sandbox/));
});
