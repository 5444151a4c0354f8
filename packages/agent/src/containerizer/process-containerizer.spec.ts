import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { tmpDir, waitFor } from '@strata/lib/testing';
import type { CommandInfo__Output, TaskInfo__Output } from '@strata/proto';
import { res } from '@strata/lib';
import { ProcessContainerizer } from './process-containerizer';

const shell = (value: string): CommandInfo__Output => ({ value, shell: true, uris: [], arguments: [], user: '', environment: null });

/** The launch spec of a task with this command; the process containerizer only reads the command. */
const spec = (s: { taskId: string; command: CommandInfo__Output; env: Record<string, string>; sandbox: string; statusFile: string }) => ({
  ...s,
  containerId: s.taskId,
  frameworkId: 'fw',
  task: { taskId: { value: s.taskId }, command: s.command } as unknown as TaskInfo__Output,
  resources: res.EMPTY,
});

/** Pids of live processes whose environment carries MARK=<mark> (how we find a task's whole tree). */
function pidsWithMark(mark: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/environ`, 'latin1').split('\0').includes(`MARK=${mark}`)) out.push(Number(d));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

describe('ProcessContainerizer (real processes)', () => {
  const dir = tmpDir();
  afterAll(() => dir.remove());
  const c = new ProcessContainerizer();
  const env = (mark: string) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', MARK: mark });

  it('runs the command in its sandbox with its environment and captures stdout/stderr', async () => {
    const sandbox = path.join(dir.path, 't1');
    const ct = await c.launch(spec({ taskId: 't1', command: shell('echo "out $MARK"; echo err >&2; pwd; exit 3'), env: env('m1'), sandbox, statusFile: path.join(dir.path, 't1.status') }));
    expect(await ct.exited).toEqual({ code: 3, signal: null, killed: false });
    expect(readFileSync(path.join(dir.path, 't1.status'), 'utf8')).toBe('3\n'); // the executor's record, for a restarted agent
    expect(readFileSync(path.join(sandbox, 'stdout'), 'utf8')).toBe(`out m1\n${sandbox}\n`);
    expect(readFileSync(path.join(sandbox, 'stderr'), 'utf8')).toBe('err\n');
  });

  it('runs shell=false commands with their argv', async () => {
    const sandbox = path.join(dir.path, 't2');
    const ct = await c.launch(spec({ taskId: 't2', command: { ...shell('/bin/echo'), shell: false, arguments: ['echo', 'a b', 'c'] }, env: env('m2'), sandbox, statusFile: path.join(dir.path, 't2.status') }));
    expect((await ct.exited).code).toBe(0);
    expect(readFileSync(path.join(sandbox, 'stdout'), 'utf8')).toBe('a b c\n');
  });

  it('reports a command that cannot start', async () => {
    const ct = await c.launch(spec({ taskId: 't3', command: { ...shell('/no/such/binary'), shell: false }, env: env('m3'), sandbox: path.join(dir.path, 't3'), statusFile: path.join(dir.path, 't3.status') }));
    const exit = await ct.exited;
    expect(exit.code).toBe(127); // the shell's "command not found"
    expect(exit.launchError).toBeUndefined();
  });

  it('kill takes the whole process group: SIGTERM first, SIGKILL after the grace period', async () => {
    const ct = await c.launch(spec({ taskId: 't4', command: shell('trap "" TERM; sleep 300 & sleep 300 & wait'), env: env('m4'), sandbox: path.join(dir.path, 't4'), statusFile: path.join(dir.path, 't4.status') }));
    await waitFor(() => pidsWithMark('m4').length >= 3, { what: 'the task and its two children' });
    expect(pidsWithMark('m4').length).toBeGreaterThanOrEqual(3);
    const t0 = Date.now();
    ct.kill(300);
    const exit = await ct.exited;
    expect(exit.killed).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250); // the shell ignored SIGTERM: it took the SIGKILL
    expect(pidsWithMark('m4')).toEqual([]);
  });

  it('reattaches to a running executor it did not start and reads its real exit status', async () => {
    const statusFile = path.join(dir.path, 't6.status');
    const ct = await c.launch(spec({ taskId: 't6', command: shell('sleep 0.4; exit 4'), env: env('m6'), sandbox: path.join(dir.path, 't6'), statusFile }));
    // What a restarted agent does: it only knows the pid, its start time and the status file.
    const again = c.recover({ containerId: 't6', task: {} as TaskInfo__Output, sandbox: '', pid: ct.pid!, startTicks: ct.startTicks, statusFile, killRequested: false });
    expect(await again.exited).toEqual({ code: 4, signal: null, killed: false });
    await ct.exited;
  });

  it('reports a recovered executor that vanished without a status as lost', async () => {
    const gone = c.recover({ containerId: 'x', task: {} as TaskInfo__Output, sandbox: '', pid: 2 ** 22 + 1, statusFile: path.join(dir.path, 'none.status'), killRequested: false });
    expect(await gone.exited).toEqual({ code: null, signal: null, killed: false, lost: true });
  });

  it('kills stragglers a task leaves in its group when its main process exits', async () => {
    const ct = await c.launch(spec({ taskId: 't5', command: shell('sleep 300 & echo started'), env: env('m5'), sandbox: path.join(dir.path, 't5'), statusFile: path.join(dir.path, 't5.status') }));
    expect((await ct.exited).code).toBe(0);
    await waitFor(() => pidsWithMark('m5').length === 0, { what: 'no process of the task left' });
    expect(pidsWithMark('m5')).toEqual([]);
  });

  // Dropping to another uid needs root: CI runs as root, where this must run.
  (process.getuid?.() === 0 || process.env.CI === 'true' ? it : it.skip)('runs the executor and the task as the given user (uid and gid in /proc), its exit status still read', async () => {
    chmodSync(dir.path, 0o711);
    const sandbox = path.join(dir.path, 't7');
    mkdirSync(sandbox);
    chownSync(sandbox, 65534, 65534);
    const statusFile = path.join(dir.path, 't7.status');
    const ct = await c.launch({ ...spec({ taskId: 't7', command: shell('echo $$ > pid; touch ../escaped 2>/dev/null; sleep 300 & wait'), env: env('m7'), sandbox, statusFile }), user: { name: 'nobody', uid: 65534, gid: 65534 } });
    const pid = await waitFor(() => Number(readFileSync(path.join(sandbox, 'pid'), 'utf8').trim()) || undefined, { what: 'the task to write its pid' });
    const ids = (field: string) => readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`))!.split(/\s+/).slice(1, 5);
    expect(ids('Uid')).toEqual(['65534', '65534', '65534', '65534']);
    expect(ids('Gid')).toEqual(['65534', '65534', '65534', '65534']);
    expect(ids('Groups').filter(Boolean)).toEqual([]); // root's supplementary groups are dropped too
    expect(existsSync(path.join(dir.path, 'escaped'))).toBe(false); // the directory above is root's
    ct.kill(100);
    expect((await ct.exited).killed).toBe(true);
    expect(statSync(path.join(sandbox, 'stdout')).uid).toBe(65534);
  });

  (process.getuid?.() === 0 || process.env.CI === 'true' ? it : it.skip)('gives a task run as a user its own /tmp, /var/tmp (its sandbox tmp), /dev/shm and /run/lock, its sandbox path still valid', async () => {
    chmodSync(dir.path, 0o711);
    const sandbox = path.join(dir.path, 't8');
    mkdirSync(sandbox);
    chownSync(sandbox, 65534, 65534);
    const mark = `m8-${process.pid}`;
    const statusFile = path.join(dir.path, 't8.status');
    const writes = ['/tmp', '/var/tmp', '/dev/shm', '/run/lock'].map((d) => `(echo x > ${d}/${mark} && echo wrote ${d}) || echo refused ${d}`);
    // The pid comes last: once it is there, everything above is in stdout.
    const command = [...writes, 'pwd', 'echo $$ > "$MESOS_SANDBOX/pid"', 'sleep 300 & wait'].join('; ');
    const privately = new ProcessContainerizer(undefined, { privateDirs: true });
    const ct = await privately.launch({ ...spec({ taskId: 't8', command: shell(command), env: { ...env(mark), MESOS_SANDBOX: sandbox }, sandbox, statusFile }), user: { name: 'nobody', uid: 65534, gid: 65534 } });
    const pid = await waitFor(() => (existsSync(path.join(sandbox, 'pid')) ? Number(readFileSync(path.join(sandbox, 'pid'), 'utf8').trim()) || undefined : undefined), { what: 'the task to write its pid' });
    const lines = readFileSync(path.join(sandbox, 'stdout'), 'utf8').split('\n');
    expect(lines.slice(0, 5)).toEqual(['wrote /tmp', 'wrote /var/tmp', 'wrote /dev/shm', 'wrote /run/lock', sandbox]);
    // Written where the task saw /tmp and /var/tmp: its sandbox's tmp, the same directory; the host's are untouched.
    expect(['/tmp', '/var/tmp', '/dev/shm', '/run/lock'].filter((d) => existsSync(path.join(d, mark)))).toEqual([]);
    expect(readFileSync(path.join(sandbox, 'tmp', mark), 'utf8')).toBe('x\n');
    expect(statSync(path.join(sandbox, 'tmp')).uid).toBe(65534);
    // The pid the agent holds (and checkpoints) is the executor's, already the user's: one process from unshare to it.
    const ids = (p: number, field: string) => readFileSync(`/proc/${p}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`))!.split(/\s+/).slice(1, 5);
    expect([ids(ct.pid!, 'Uid'), ids(pid, 'Uid'), ids(pid, 'Gid')]).toEqual([Array(4).fill('65534'), Array(4).fill('65534'), Array(4).fill('65534')]);
    expect(ids(pid, 'Groups').filter(Boolean)).toEqual([]);
    ct.kill(100);
    expect(await ct.exited).toEqual({ code: 143, signal: 'SIGTERM', killed: true });
    // Its status file is under this test's /tmp dir, hidden from the executor by its private /tmp: written through fd 3 all the same.
    expect(readFileSync(statusFile, 'utf8')).toBe('143\n');
  });

  (process.getuid?.() === 0 || process.env.CI === 'true' ? it : it.skip)('refuses a sandbox whose tmp is a link (the mount, made as root, would follow it)', async () => {
    const sandbox = path.join(dir.path, 't9');
    mkdirSync(sandbox);
    symlinkSync('/etc', path.join(sandbox, 'tmp'));
    const privately = new ProcessContainerizer(undefined, { privateDirs: true });
    await expect(privately.launch({ ...spec({ taskId: 't9', command: shell('true'), env: env('m9'), sandbox, statusFile: path.join(dir.path, 't9.status') }), user: { name: 'nobody', uid: 65534, gid: 65534 } })).rejects.toThrow(/tmp is not a directory/);
    expect(lstatSync(path.join(sandbox, 'tmp')).isSymbolicLink()).toBe(true);
  });
});
