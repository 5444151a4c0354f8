import { spawn } from 'node:child_process';
import { httpProbe, initialHealth, nextHealth, systemClock, tcpProbe, type Clock, type HealthState, type Timer } from '@strata/lib';
import type { HealthCheck__Output } from '@strata/proto';

export interface HealthCheckTarget {
  env: Record<string, string>;
  cwd: string;
  startedAt: number;
}

/** Runs a COMMAND check: healthy when it exits 0 within the timeout. */
function commandProbe(value: string, target: HealthCheckTarget, timeoutMs: number): Promise<{ ok: boolean; cause?: string }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', value], { cwd: target.cwd, env: target.env, stdio: 'ignore', detached: true });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
      resolve({ ok: false, cause: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, cause: err.message });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? { ok: true } : { ok: false, cause: `exited with status ${code}` });
    });
  });
}

/**
 * Mesos-style health checking next to the task: the first check after delay_seconds, then every
 * interval_seconds, each bounded by timeout_seconds; the result reaches `onResult` with whether
 * the health changed and whether consecutive_failures asks for a kill.
 */
export class TaskHealthChecker {
  private state: HealthState = initialHealth();
  private timer?: Timer;
  private stopped = false;

  constructor(
    private readonly check: HealthCheck__Output,
    private readonly target: HealthCheckTarget,
    private readonly onResult: (healthy: boolean, changed: boolean, kill: boolean) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  start(): void {
    this.schedule(Math.max(0, this.check.delaySeconds) * 1000);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.clock.after(ms, () => this.run().catch(() => this.schedule(ms)), { unref: true });
  }

  private async probe(): Promise<{ ok: boolean; cause?: string }> {
    const timeoutMs = Math.max(0.001, this.check.timeoutSeconds || 20) * 1000;
    switch (this.check.type) {
      case 'COMMAND':
        return commandProbe(this.check.command?.value ?? 'false', this.target, timeoutMs);
      case 'HTTP':
        return httpProbe(`${this.check.http?.scheme || 'http'}://127.0.0.1:${this.check.http?.port}${this.check.http?.path || '/'}`, timeoutMs);
      case 'TCP':
        return tcpProbe('127.0.0.1', this.check.tcp?.port ?? 0, timeoutMs);
      default:
        return { ok: true };
    }
  }

  /** A probe that throws (it should resolve with a cause) counts as a failed check, never an unhandled rejection. */
  private async run(): Promise<void> {
    const result = await this.probe().catch((err: unknown) => ({ ok: false, cause: (err as Error).message }));
    if (this.stopped) return;
    const r = nextHealth(this.state, result, this.clock.now(), this.target.startedAt, {
      gracePeriodMs: this.check.gracePeriodSeconds * 1000,
      maxConsecutiveFailures: this.check.consecutiveFailures,
    });
    this.state = r.state;
    if (r.changed || r.kill) this.onResult(r.state.alive === true, r.changed, r.kill);
    if (!r.kill) this.schedule(Math.max(0.01, this.check.intervalSeconds || 10) * 1000);
  }
}
