import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Host } from './host-network';

export interface HostProcessSpec {
  /** Unique in the run: 'master-h1', 'agent-h4', 'etcd-h2'… */
  name: string;
  /** Its role: 'etcd', 'master', 'agent', 'marathon', 'chronos'. */
  role: string;
  host: Host;
  command: string;
  args: string[];
  logDir: string;
  env?: Record<string, string>;
}

/**
 * A service process on a host: run in the host's network namespace (`ip netns exec`, which
 * execs, so the pid is the service's own and signals reach it), output appended to a log file.
 * The nemesis kills, pauses and restarts it; a restart runs the same command on the same data.
 */
export class HostProcess {
  private child?: ChildProcess;
  private paused = false;
  private exitedP: Promise<void> = Promise.resolve();
  readonly logFile: string;
  starts = 0;

  constructor(readonly spec: HostProcessSpec) {
    this.logFile = path.join(spec.logDir, `${spec.name}.log`);
  }

  get name(): string {
    return this.spec.name;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.running) return;
    fs.mkdirSync(this.spec.logDir, { recursive: true });
    const fd = fs.openSync(this.logFile, 'a');
    fs.writeSync(fd, `--- start ${++this.starts} at ${new Date().toISOString()}\n`);
    const child = spawn('ip', ['netns', 'exec', this.spec.host.netns, this.spec.command, ...this.spec.args], {
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...this.spec.env },
    });
    fs.closeSync(fd);
    this.child = child;
    this.paused = false;
    this.exitedP = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('error', () => undefined); // a spawn failure shows as an exit; the run's checks see the service missing
  }

  /** Sends a signal and, for a deadly one, waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    if (this.paused) this.child!.kill('SIGCONT'); // a stopped process does not act on SIGTERM
    this.child!.kill(signal);
    this.paused = false;
    const t = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    await this.exitedP;
    clearTimeout(t);
  }

  pause(): void {
    if (!this.running || this.paused) return;
    this.child!.kill('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    if (!this.running || !this.paused) return;
    this.child!.kill('SIGCONT');
    this.paused = false;
  }

  /** The last lines of its log, for a failure message. */
  tail(lines = 20): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines - 1).join('\n');
    } catch {
      return '';
    }
  }
}
