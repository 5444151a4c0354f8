import { chmodSync, lstatSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tmpDir } from '@strata/lib/testing';
import { UserSwitch } from './user-switch';

const passwd = 'root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n';
const nobody = { name: 'nobody', uid: 65534, gid: 65534 };
// chown needs root: CI runs as root, where this must run; elsewhere it is skipped.
const asRoot = process.getuid?.() === 0 || process.env.CI === 'true' ? it : it.skip;

describe('UserSwitch', () => {
  it('switches only when enabled and running as root; root itself needs no switch', () => {
    expect(new UserSwitch(true, () => passwd, true).userFor('nobody')).toEqual(nobody);
    expect(new UserSwitch(true, () => passwd, true).userFor('root')).toBeUndefined();
    expect(new UserSwitch(true, () => passwd, true).userFor(undefined)).toBeUndefined();
    expect(new UserSwitch(false, () => passwd, true).userFor('nobody')).toBeUndefined();
    expect(new UserSwitch(true, () => passwd, false).userFor('nobody')).toBeUndefined();
  });

  it('an unknown user is a clear error', () => {
    expect(() => new UserSwitch(true, () => passwd, true).userFor('mallory')).toThrow("Failed to switch to user 'mallory': no such user on this agent");
  });

  describe('the sandbox', () => {
    const dir = tmpDir('strata-users-');
    // A task's user must be able to pass through the directories above its sandbox.
    beforeAll(() => chmodSync(dir.path, 0o711));
    afterAll(() => dir.remove());
    const users = new UserSwitch(true, () => passwd, true);

    asRoot('is given to the user and closed to others, without following a symlink out of it', () => {
      const sandbox = path.join(dir.path, 'sb');
      mkdirSync(path.join(sandbox, 'fetched'), { recursive: true });
      writeFileSync(path.join(sandbox, 'fetched', 'app.tar'), 'x');
      const outside = path.join(dir.path, 'outside');
      writeFileSync(outside, 'root only');
      symlinkSync(outside, path.join(sandbox, 'link'));
      users.prepareSandbox(sandbox, nobody);
      for (const p of [sandbox, path.join(sandbox, 'fetched'), path.join(sandbox, 'fetched', 'app.tar')]) expect([p, statSync(p).uid, statSync(p).gid]).toEqual([p, 65534, 65534]);
      expect(statSync(sandbox).mode & 0o777).toBe(0o750);
      expect(statSync(outside).uid).toBe(0);
      expect(lstatSync(path.join(sandbox, 'link')).isSymbolicLink()).toBe(true);
    });

    asRoot('is refused with the directory that blocks the user on its way there', () => {
      const closed = path.join(dir.path, 'closed');
      mkdirSync(path.join(closed, 'sb'), { recursive: true });
      chmodSync(closed, 0o700);
      expect(() => users.prepareSandbox(path.join(closed, 'sb'), nobody)).toThrow(`it cannot reach its sandbox, ${closed} does not let uid 65534 through`);
    });
  });
});
