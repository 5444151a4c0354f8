import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tmpDir } from '@strata/lib/testing';
import { confine } from './confine';

describe('confine (sandbox path checks)', () => {
  const dir = tmpDir();
  const root = path.join(dir.path, 'sandboxes');
  mkdirSync(path.join(root, 'fw', 'task'), { recursive: true });
  writeFileSync(path.join(root, 'fw', 'task', 'stdout'), 'hi');
  writeFileSync(path.join(dir.path, 'secret'), 'no');
  symlinkSync(path.join(dir.path, 'secret'), path.join(root, 'fw', 'task', 'leak'));
  symlinkSync('/etc', path.join(root, 'fw', 'task', 'etc'));
  symlinkSync(path.join(root, 'fw', 'task', 'stdout'), path.join(root, 'fw', 'task', 'alias'));
  afterAll(() => dir.remove());

  const status = (p: string | undefined) => {
    try {
      confine(root, p);
      return 200;
    } catch (e) {
      return (e as { status: number }).status;
    }
  };

  it('resolves relative paths and absolute paths inside the sandboxes', () => {
    expect(confine(root, 'fw/task/stdout')).toBe(path.join(root, 'fw', 'task', 'stdout'));
    expect(confine(root, path.join(root, 'fw', 'task'))).toBe(path.join(root, 'fw', 'task'));
    expect(confine(root, 'fw/task/alias')).toBe(path.join(root, 'fw', 'task', 'stdout')); // a link that stays inside is fine
  });

  it.each([
    ['fw/../../secret', 400],
    ['..', 400],
    ['fw/task/../../../etc/passwd', 400],
    ['/etc/passwd', 403],
    [`${root}-other/x`, 403],
    ['fw/task/leak', 403],
    ['fw/task/etc/passwd', 403],
    ['fw/task/missing', 404],
    ['bad\0byte', 400],
  ])('refuses %s with %i', (p, code) => {
    expect(status(p)).toBe(code);
  });

  it('requires a path', () => {
    expect(status(undefined)).toBe(400);
  });
});
