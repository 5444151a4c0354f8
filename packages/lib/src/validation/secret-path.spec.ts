import { normalSecretPath, secretPathProblem, secretScopeProblem } from './secret-path';

describe('secret paths', () => {
  it.each(['db', '/db', 'team-a/db.password', 'a/b/c_1'])('accepts %s', (p) => expect(secretPathProblem(p)).toBeUndefined());
  it.each(['', '/', 'a//b', 'a/../b', '../x', '.hidden', 'a/.', 'a b', 'a\0b', 'a/', 'x'.repeat(256)])('refuses %j', (p) => expect(secretPathProblem(p)).toBeDefined());
  it('drops a leading slash', () => expect(normalSecretPath('//a/b')).toBe('a/b'));
  it.each([
    ['db', '/anything/at/all'],
    ['teama/db', '/teama/web'],
    ['teama/db', '/teama/sub/web'],
    ['teama/web/db', '/teama/web'],
  ])('%s serves %s', (secret, app) => expect(secretScopeProblem(secret, app)).toBeUndefined());
  it.each([
    ['teamb/db', '/teama/web'],
    ['teama/web/x/db', '/teama/web'],
    ['team/db', '/teama/web'],
  ])('%s does not serve %s', (secret, app) => expect(secretScopeProblem(secret, app)).toMatch(/only for services under/));
});
