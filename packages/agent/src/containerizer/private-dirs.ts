import { spawnSync } from 'node:child_process';
import type { SystemUser } from '../users/passwd';

/**
 * The world-writable directories a task run as a user gets a private copy of, so that it
 * cannot write outside its sandbox (issue 17) nor meet other tasks' files there. /tmp and
 * /var/tmp become the sandbox's `tmp` (on disk, visible in the files API, gone with the
 * sandbox: Mesos's documented `/tmp` -> sandbox volume); /dev/shm and /run/lock, which
 * programs expect in memory, become a tmpfs of their own, capped at the task's memory.
 */
export const PRIVATE_DIRS: readonly { dir: string; backing: 'sandbox-tmp' | 'tmpfs' }[] = [
  { dir: '/tmp', backing: 'sandbox-tmp' },
  { dir: '/var/tmp', backing: 'sandbox-tmp' },
  { dir: '/dev/shm', backing: 'tmpfs' },
  { dir: '/run/lock', backing: 'tmpfs' },
];

/** The sandbox's directory that stands in for /tmp and /var/tmp. */
export const SANDBOX_TMP = 'tmp';

/**
 * Runs as root in the task's new mount namespace (so nothing here is seen by the host or other
 * tasks), then drops to the user and execs the executor. When the sandbox itself lives under a
 * directory being covered (a work dir under /tmp, as in tests), its path is made again inside
 * the cover and the sandbox bound back onto it through the shell's working directory, which
 * still holds it: the task's $MESOS_SANDBOX keeps meaning what it says. The exit status file,
 * in the agent's work dir, may be covered the same way, so it is opened first as fd 3 and the
 * executor writes to /dev/fd/3 (a reopen of that file, whatever hides its path).
 * Positional: sandbox, uid, gid, tmpfs size in MiB, status file, then the executor's argv.
 */
const SCRIPT = [
  'set -e',
  'sb=$1; uid=$2; gid=$3; mb=$4; exec 3>>"$5"; shift 5',
  'rebind() { case "$sb/" in "$1"/*) mkdir -p "$sb"; mount -c --bind /proc/self/cwd "$sb";; esac; }',
  `onto_sandbox_tmp() { [ -d "$1" ] || return 0; mount --bind "$sb/${SANDBOX_TMP}" "$1"; rebind "$1"; }`,
  'onto_tmpfs() { [ -d "$1" ] || return 0; mount -t tmpfs -o "mode=1777,nosuid,nodev,size=${mb}m" strata-private "$1"; rebind "$1"; }',
  ...PRIVATE_DIRS.map((d) => `${d.backing === 'tmpfs' ? 'onto_tmpfs' : 'onto_sandbox_tmp'} ${d.dir}`),
  'exec setpriv --reuid="$uid" --regid="$gid" --clear-groups "$@"',
].join('\n');

/** Where an executor started by privateDirsArgv writes its exit status. */
export const STATUS_FD_PATH = '/dev/fd/3';

/**
 * The argv that starts `executor` (an argv, run by its first element, writing its exit status
 * to STATUS_FD_PATH) as `user` with private temporary directories. The process keeps one pid from unshare to the executor (each step
 * execs the next), so the pid the agent isolates and checkpoints is the executor's. Pure.
 */
export function privateDirsArgv(user: SystemUser, sandbox: string, memMb: number, statusFile: string, executor: readonly string[]): string[] {
  // A task that asked for no memory still gets a usable /dev/shm; its cgroup bounds it anyway.
  const mb = memMb > 0 ? Math.ceil(memMb) : 64;
  return ['unshare', '--mount', '--propagation', 'private', '/bin/sh', '-c', SCRIPT, 'strata-private-dirs', sandbox, String(user.uid), String(user.gid), String(mb), statusFile, ...executor];
}

/**
 * Whether this agent can give tasks private directories: it needs root (CAP_SYS_ADMIN for the
 * mounts) and util-linux's unshare and setpriv. Asked once at start; the answer says why not.
 */
export function probePrivateDirs(): { ok: true } | { ok: false; why: string } {
  if (process.getuid?.() !== 0) return { ok: false, why: 'not running as root' };
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '/bin/sh', '-c', 'mount -t tmpfs -o size=1m strata-probe /tmp && setpriv --version >/dev/null'], { encoding: 'utf8', timeout: 5_000 });
  if (r.error) return { ok: false, why: `cannot run unshare: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, why: `a private mount namespace failed: ${(r.stderr || `exit ${r.status}`).trim()}` };
  return { ok: true };
}
