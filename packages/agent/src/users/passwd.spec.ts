import { blockedAncestor, parsePasswd, taskUserName, type DirStat } from './passwd';

describe('the machine’s users', () => {
  it('parses /etc/passwd by name, skipping comments and malformed lines, first entry wins', () => {
    const users = parsePasswd(['root:x:0:0:root:/root:/bin/bash', '# a comment', 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin', 'broken', 'bad:x:abc:1::/:/bin/sh', 'neg:x:-1:1::/:/bin/sh', 'empty:x::1::/:/bin/sh', 'root:x:5:5::/:/bin/sh', ''].join('\n'));
    expect([...users.values()]).toEqual([
      { name: 'root', uid: 0, gid: 0 },
      { name: 'nobody', uid: 65534, gid: 65534 },
    ]);
  });

  it("takes the command's user, else the framework's", () => {
    const fw = { user: 'fwuser' } as never;
    expect(taskUserName({ command: { user: 'nobody' } } as never, fw)).toBe('nobody');
    expect(taskUserName({ command: { user: '' } } as never, fw)).toBe('fwuser');
    expect(taskUserName({} as never, { user: '' } as never)).toBeUndefined();
  });

  describe('whether a user can reach a sandbox', () => {
    const nobody = { name: 'nobody', uid: 65534, gid: 65534 };
    const tree = (modes: Record<string, DirStat>) => (d: string) => modes[d];
    const root = (mode: number): DirStat => ({ mode, uid: 0, gid: 0 });

    it('passes directories that let others, its group or it as owner search them', () => {
      const stat = tree({ '/': root(0o755), '/work': { mode: 0o710, uid: 0, gid: 65534 }, '/work/agent': { mode: 0o700, uid: 65534, gid: 0 }, '/work/agent/sandboxes': root(0o711) });
      expect(blockedAncestor('/work/agent/sandboxes/task', nobody, stat)).toBeUndefined();
    });

    it('names the first directory that blocks it, from the root down', () => {
      const stat = tree({ '/': root(0o755), '/tmp': root(0o1777), '/tmp/x': root(0o700), '/tmp/x/y': root(0o700) });
      expect(blockedAncestor('/tmp/x/y/task', nobody, stat)).toBe('/tmp/x');
      // Execute for the owner only does not help a stranger, nor read without execute.
      expect(blockedAncestor('/a/task', nobody, tree({ '/': root(0o755), '/a': root(0o744) }))).toBe('/a');
      expect(blockedAncestor('/a/task', nobody, tree({ '/': root(0o755) }))).toBe('/a');
    });

    it('root passes everywhere', () => {
      expect(blockedAncestor('/a/b/task', { name: 'root', uid: 0, gid: 0 }, tree({ '/': root(0o700), '/a': root(0o700), '/a/b': root(0o700) }))).toBeUndefined();
    });
  });
});
