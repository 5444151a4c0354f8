import { PRIVATE_DIRS, privateDirsArgv } from './private-dirs';

describe('privateDirsArgv', () => {
  const user = { name: 'nobody', uid: 65534, gid: 65534 };
  const positional = (argv: string[]) => argv.slice(argv.indexOf('strata-private-dirs') + 1);

  it('starts a private mount namespace and hands the script the sandbox, ids, tmpfs size and the executor untouched', () => {
    const argv = privateDirsArgv(user, '/var/lib/strata/s b', 128, '/var/lib/strata/st', ['/bin/sh', '-c', 'echo "$1"', 'x y']);
    expect(argv.slice(0, 5)).toEqual(['unshare', '--mount', '--propagation', 'private', '/bin/sh']);
    expect(positional(argv)).toEqual(['/var/lib/strata/s b', '65534', '65534', '128', '/var/lib/strata/st', '/bin/sh', '-c', 'echo "$1"', 'x y']);
  });

  it('sizes the tmpfs in whole MiB, and gives a task that asked for no memory a usable one', () => {
    expect(positional(privateDirsArgv(user, '/s', 31.2, '/st', ['true']))[3]).toBe('32');
    expect(positional(privateDirsArgv(user, '/s', 0, '/st', ['true']))[3]).toBe('64');
  });

  it('covers every world-writable directory of a Debian host, drops to the user last', () => {
    const script = privateDirsArgv(user, '/s', 1, '/st', ['true'])[6]!;
    expect(PRIVATE_DIRS.map((d) => d.dir)).toEqual(['/tmp', '/var/tmp', '/dev/shm', '/run/lock']);
    for (const d of PRIVATE_DIRS) expect(script).toContain(` ${d.dir}\n`);
    expect(script.trim().split('\n').pop()).toMatch(/^exec setpriv --reuid="\$uid" --regid="\$gid" --clear-groups "\$@"$/);
  });
});
