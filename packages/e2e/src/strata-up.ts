import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from '@strata/lib/testing';
import { BINS } from './processes';

/** `strata up ARGS` as a user runs it: its output kept as it comes, its readiness awaited, its pids read from what it prints. */
export class StrataUp {
  out = '';
  err = '';
  readonly proc: ChildProcess;

  constructor(args: string[]) {
    this.proc = spawn(process.execPath, [BINS.cli, 'up', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d) => (this.out += d));
    this.proc.stderr!.on('data', (d) => (this.err += d));
  }

  /** Until it prints that the cluster is up; an exit before that, or the deadline, fails with its stderr. */
  async ready(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      () => {
        if (this.proc.exitCode !== null) throw new Error(`strata up exited (${this.proc.exitCode}): ${this.err.slice(-3000)}`);
        return this.out.includes('Strata is up') || undefined;
      },
      { what: 'strata up', timeoutMs },
    ).catch((e: Error) => {
      throw new Error(`${e.message}; its stderr: ${this.err.slice(-3000)}`);
    });
  }

  /** The `name=pid` pairs of its summary. */
  pids(): Record<string, number> {
    return Object.fromEntries([...this.out.matchAll(/(\S+)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
  }

  /** Ctrl-C, and its exit code once it has stopped everything. */
  async interrupt(timeoutMs = 60_000): Promise<number | null> {
    if (this.proc.exitCode === null) this.proc.kill('SIGINT');
    await waitFor(() => this.proc.exitCode !== null || undefined, { what: 'strata up to stop', timeoutMs });
    return this.proc.exitCode;
  }

  /** For afterAll: whatever is left goes. */
  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}
