import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { waitFor } from '@strata/lib/testing';

const repo = path.resolve(__dirname, '..', '..', '..');
export const BINS = {
  master: path.join(repo, 'packages/master/bin/strata-master.js'),
  agent: path.join(repo, 'packages/agent/bin/strata-agent.js'),
  cli: path.join(repo, 'packages/cli/bin/strata.js'),
  gateway: path.join(repo, 'packages/gateway/bin/strata-gateway.js'),
};

/** A Strata service running as its own OS process, with its JSON log lines kept for inspection. */
export class ServiceProcess {
  readonly logs: Record<string, unknown>[] = [];
  stderr = '';
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  readonly exited: Promise<void>;

  constructor(readonly name: string, readonly child: ChildProcess) {
    let buf = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          this.logs.push(JSON.parse(line));
        } catch {
          // not a log line
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      this.exit = { code, signal };
      resolve();
    }));
  }

  static start(name: string, bin: string, args: string[], env: Record<string, string> = {}): ServiceProcess {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    // If the test process dies without stopping us (a crash, a closed pipe), take the service down too.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => process.removeListener('exit', reap));
    return new ServiceProcess(name, child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits for a log line with this message and returns it. */
  async waitForLog(msg: string | string[], timeoutMs = 15_000, since = 0): Promise<Record<string, unknown>> {
    const wanted = Array.isArray(msg) ? msg : [msg];
    return waitFor(() => {
      if (this.exit) throw new Error(`${this.name} exited (${JSON.stringify(this.exit)}): ${this.stderr}`);
      return this.logs.slice(since).find((l) => wanted.includes(l.msg as string));
    }, { timeoutMs, what: `${this.name} to log '${wanted.join("' or '")}'` });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<void> {
    if (this.exit) return;
    this.child.kill(signal);
    const t = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(t);
  }
}
