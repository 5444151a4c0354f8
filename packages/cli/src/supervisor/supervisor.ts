import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { nextRestart, type RestartState } from './restart-policy';

export interface ServiceSpec {
  name: string;
  bin: string;
  args: string[];
  /** The signal that stops it cleanly (agents: SIGUSR1, which also kills their tasks). */
  stopSignal: NodeJS.Signals;
  logFile: string;
  /** Added to its environment (LIBPROCESS_SSL_* with --secure). */
  env?: Record<string, string>;
}

/**
 * Keeps services running as an init system would: a service that exits on its own is started
 * again after a backoff, and said so on stderr; the others, and the tasks on the agents, run on
 * as they would on separate machines. `stop()` stops them in the given order and for good.
 */
export class Supervisor {
  private readonly running = new Map<string, { spec: ServiceSpec; child: ChildProcess; restart: RestartState; timer?: NodeJS.Timeout }>();
  private stopping = false;
  private readonly logs = new Map<string, WriteStream>();

  constructor(private readonly say: (line: string) => void, private readonly now: () => number = Date.now) {}

  start(spec: ServiceSpec, restart: RestartState = { attempt: 0, startedAt: this.now() }): void {
    let log = this.logs.get(spec.name);
    if (!log) this.logs.set(spec.name, (log = createWriteStream(spec.logFile, { flags: 'a' })));
    const child = spawn(process.execPath, [spec.bin, ...spec.args], { stdio: ['ignore', 'pipe', 'pipe'], ...(spec.env ? { env: { ...process.env, ...spec.env } } : {}) });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.on('data', (d: Buffer) => {
      log!.write(d);
      this.say(`[${spec.name}] ${String(d).trimEnd()}`);
    });
    const entry = { spec, child, restart };
    this.running.set(spec.name, entry);
    child.on('exit', (code, signal) => {
      if (this.stopping || this.running.get(spec.name)?.child !== child) return;
      const { delayMs, attempt } = nextRestart(restart, this.now());
      this.say(`${spec.name} exited (${signal ?? `code ${code}`}); restarting it in ${(delayMs / 1000).toFixed(1)} s (restart ${attempt}; log: ${spec.logFile})`);
      (entry as { timer?: NodeJS.Timeout }).timer = setTimeout(() => {
        if (this.stopping) return;
        this.start(spec, { attempt, startedAt: this.now() });
        this.say(`${spec.name} restarted (pid ${this.running.get(spec.name)!.child.pid})`);
      }, delayMs);
    });
  }

  pid(name: string): number | undefined {
    return this.running.get(name)?.child.pid;
  }

  /** Stops every service, group by group (each group in parallel), and waits for them. */
  async stop(groups: ((name: string) => boolean)[], graceMs = 12_000): Promise<void> {
    this.stopping = true;
    for (const e of this.running.values()) if (e.timer) clearTimeout(e.timer);
    for (const inGroup of groups) {
      const members = [...this.running.values()].filter((e) => inGroup(e.spec.name));
      await Promise.all(members.map((e) => new Promise<void>((resolve) => {
        if (e.child.exitCode !== null || e.child.signalCode !== null) return resolve();
        e.child.once('exit', () => resolve());
        e.child.kill(e.spec.stopSignal);
        setTimeout(() => e.child.kill('SIGKILL'), graceMs).unref();
      })));
    }
    await Promise.all([...this.logs.values()].map((l) => new Promise<void>((r) => l.end(() => r()))));
  }
}
