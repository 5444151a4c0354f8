import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { chownSync, closeSync, fchownSync, lstatSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { res } from '@strata/lib';
import type { Container, Containerizer, ExitInfo, LaunchSpec, RecoverSpec } from './containerizer';
import { noIsolation, type Isolator } from '../isolation/isolator';
import type { SystemUser } from '../users/passwd';
import { privateDirsArgv, SANDBOX_TMP, STATUS_FD_PATH } from './private-dirs';

/**
 * The executor: a few lines of POSIX shell that lead the task's process group. It waits on a gate
 * (so the agent can isolate it first), runs the task as its child, forwards SIGTERM to it, and
 * writes the exit status to a file before exiting with it. Because it is not the agent's child in
 * spirit, the task keeps running when the agent dies, and its real exit status is there for the
 * next agent to read. (Mesos runs a command executor per task for the same reason; a shell costs
 * about a millisecond where a Node executor would cost forty.)
 */
const EXECUTOR = [
  'read _gate; [ "$_gate" = go ] || exit 125',
  'status=$1; shift',
  'trap \'kill -TERM "$child" 2>/dev/null\' TERM',
  '"$@" 3>&- & child=$!', // fd 3 is the status file when the executor started in private dirs: not the task's
  'while :; do wait "$child"; rc=$?; kill -0 "$child" 2>/dev/null || break; done',
  // One small write: no temp file and rename needed (and `mv` would cost a fork). Readers look only after the executor is gone.
  'printf "%s\\n" "$rc" > "$status"',
  'exit "$rc"',
].join('\n');

const POLL_MS = 200;

/** Start time (field 22 of /proc/<pid>/stat) or undefined if the process is gone or a zombie. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

function readExitStatus(file: string): number | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim();
    // Empty: made ready for an executor running as another user, which never wrote it.
    const n = text === '' ? NaN : Number(text);
    return Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The user's directory behind its private /tmp. One a fetched archive brought is used if it is a
 * real directory; a link is refused, since the mount (made as root) would follow it.
 */
function makeSandboxTmp(sandbox: string, user: SystemUser): void {
  const dir = path.join(sandbox, SANDBOX_TMP);
  mkdirSync(dir, { recursive: true, mode: 0o750 });
  if (!lstatSync(dir).isDirectory()) throw new Error(`the sandbox's ${SANDBOX_TMP} is not a directory, so it cannot be the task's /tmp`);
  chownSync(dir, user.uid, user.gid);
}

/** The shell reports death by signal n as 128+n. */
function toExit(code: number, killed: boolean): ExitInfo {
  const signal = code > 128 && code < 128 + 65 ? (Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0] as NodeJS.Signals | undefined) ?? null : null;
  return { code, signal, killed };
}

function signalGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // ESRCH: the group is already gone
  }
}

export interface ProcessContainerizerOptions {
  /** A task run as a user gets its own /tmp, /var/tmp, /dev/shm and /run/lock (see private-dirs.ts). */
  privateDirs?: boolean;
}

/**
 * Runs a task as a plain process group under the executor, with the sandbox as working directory
 * and stdout/stderr going to files there. Kills take the whole group, so a shell's children do
 * not outlive the task; whatever is left in the group when the executor exits is killed too.
 */
export class ProcessContainerizer implements Containerizer {
  constructor(
    readonly isolator: Isolator = noIsolation,
    private readonly options: ProcessContainerizerOptions = {},
  ) {}

  /** Adds what the isolator knows (a memory-limit kill) to an exit. */
  private withLimits(id: string, exit: ExitInfo): ExitInfo {
    if (!this.isolator.memoryLimitHit(id)) return exit;
    return { ...exit, oom: true, peakMemoryBytes: this.isolator.peakMemory(id) };
  }

  async launch(spec: LaunchSpec): Promise<Container> {
    const command = spec.task.command;
    if (!command) throw new Error('a process task needs a command');
    mkdirSync(spec.sandbox, { recursive: true });
    await this.isolator.prepare(spec.containerId, { cpus: res.scalar(spec.resources, 'cpus'), memMb: res.scalar(spec.resources, 'mem') });
    const out = openSync(path.join(spec.sandbox, 'stdout'), 'a');
    const err = openSync(path.join(spec.sandbox, 'stderr'), 'a');
    const user = spec.user;
    if (user) {
      // The executor runs as the task's user too: its output files and the exit status it writes are that user's.
      fchownSync(out, user.uid, user.gid);
      fchownSync(err, user.uid, user.gid);
      writeFileSync(spec.statusFile, '', { mode: 0o644 });
      chownSync(spec.statusFile, user.uid, user.gid);
    }
    const shell = command.shell ?? true;
    const argv = shell ? ['/bin/sh', '-c', command.value] : [command.value, ...command.arguments.slice(1)];
    const executor = (statusFile: string) => ['/bin/sh', '-c', EXECUTOR, 'strata-executor', statusFile, ...argv];
    let child;
    try {
      // With private directories the namespace is set up as root and the drop to the user is setpriv's, inside it.
      const privately = user && this.options.privateDirs;
      if (privately) makeSandboxTmp(spec.sandbox, user);
      const [file, ...args] = privately ? privateDirsArgv(user, spec.sandbox, res.scalar(spec.resources, 'mem'), spec.statusFile, executor(STATUS_FD_PATH)) : executor(spec.statusFile);
      child = spawn(file!, args, {
        cwd: spec.sandbox,
        env: spec.env,
        detached: true,
        stdio: ['pipe', out, err],
        ...(user && !privately ? { uid: user.uid, gid: user.gid } : {}),
      });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    const pid = child.pid;
    const id = spec.containerId;
    const destroy = () => this.isolator.cleanup(id);
    let killed = false;
    let done = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const exited = new Promise<ExitInfo>((resolve) => {
      child.once('error', (e) => {
        if (done) return;
        done = true;
        resolve({ code: null, signal: null, killed, launchError: e.message });
      });
      child.once('exit', (code, signal) => {
        if (done) return;
        done = true;
        if (graceTimer) clearTimeout(graceTimer);
        signalGroup(pid, 'SIGKILL'); // stragglers in the task's group die with it
        const status = readExitStatus(spec.statusFile);
        if (status !== undefined) resolve(this.withLimits(id, toExit(status, killed)));
        else if (code === 125 && !killed) resolve({ code: null, signal: null, killed, launchError: 'the executor was not released' });
        else if (code !== null) resolve(this.withLimits(id, toExit(code, killed)));
        else resolve(this.withLimits(id, { code: null, signal, killed }));
      });
    });
    child.stdin!.on('error', () => undefined); // the executor may be gone already
    if (pid !== undefined) {
      try {
        await this.isolator.isolate(id, pid);
        child.stdin!.end('go\n');
      } catch (e) {
        child.stdin!.end('no\n');
        await exited;
        return { pid, startTicks: undefined, exited: Promise.resolve({ code: null, signal: null, killed: false, launchError: `isolation failed: ${(e as Error).message}` }), kill() {}, destroy };
      }
    }
    return {
      pid,
      startTicks: pid === undefined ? undefined : processStartTicks(pid),
      exited,
      destroy,
      kill(gracePeriodMs: number) {
        if (done || killed) return;
        killed = true;
        signalGroup(pid, 'SIGTERM');
        graceTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), Math.max(0, gracePeriodMs));
        graceTimer.unref();
      },
    };
  }

  /**
   * Reattaches to an executor an earlier agent started. It is not our child, so its end is
   * noticed by polling /proc; its exit status comes from the file it writes.
   */
  recover(spec: RecoverSpec): Container {
    const pid = spec.pid;
    if (pid === undefined) {
      return { pid, startTicks: undefined, exited: Promise.resolve({ code: null, signal: null, killed: spec.killRequested, lost: true }), kill() {}, destroy: () => this.isolator.cleanup(spec.containerId) };
    }
    let killed = spec.killRequested;
    let graceTimer: NodeJS.Timeout | undefined;
    const alive = () => {
      const ticks = processStartTicks(pid);
      return ticks !== undefined && (spec.startTicks === undefined || ticks === spec.startTicks);
    };
    const exited = new Promise<ExitInfo>((resolve) => {
      const check = () => {
        if (alive()) return void setTimeout(check, POLL_MS).unref();
        if (graceTimer) clearTimeout(graceTimer);
        signalGroup(pid, 'SIGKILL');
        const status = readExitStatus(spec.statusFile);
        resolve(this.withLimits(spec.containerId, status !== undefined ? toExit(status, killed) : { code: null, signal: null, killed, lost: !killed }));
      };
      check();
    });
    return {
      pid,
      startTicks: spec.startTicks,
      exited,
      destroy: () => this.isolator.cleanup(spec.containerId),
      kill(gracePeriodMs: number) {
        if (!alive()) return;
        killed = true;
        signalGroup(pid, 'SIGTERM');
        graceTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), Math.max(0, gracePeriodMs));
        graceTimer.unref();
      },
    };
  }
}
