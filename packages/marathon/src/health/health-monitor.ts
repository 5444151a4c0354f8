import { httpProbe, nextHealth, tcpProbe, initialHealth, type Clock, type HealthState, type Timer } from '@strata/lib';
import type { AppDefinition, HealthCheck } from '../model/app-definition';
import type { Instance } from '../instances/instance';
import { checkPort, isMarathonLevel } from '../model/health-checks';

export { isMarathonLevel } from '../model/health-checks';

/**
 * Runs Marathon-level health checks for running instances: one timer per (task, check), started
 * when the task runs and dropped when it stops. Results go back through `onResult`.
 */
export class HealthMonitor {
  private readonly loops = new Map<string, Timer>();

  constructor(
    private readonly clock: Clock,
    private readonly onResult: (inst: Instance, index: number, state: HealthState, changed: boolean, kill: boolean) => void,
  ) {}

  /** Starts loops for running instances that need them and stops the rest. */
  sync(apps: Map<string, AppDefinition>, instances: Iterable<Instance>): void {
    const wanted = new Set<string>();
    for (const inst of instances) {
      const app = apps.get(inst.appId);
      if (!app || inst.state !== 'TASK_RUNNING' || inst.goal !== 'running' || !inst.taskId) continue;
      app.healthChecks.forEach((h, index) => {
        if (!isMarathonLevel(h)) return;
        const key = `${inst.taskId}/${index}`;
        wanted.add(key);
        if (!this.loops.has(key)) this.startLoop(key, inst, h, index);
      });
    }
    for (const [key, timer] of this.loops) {
      if (wanted.has(key)) continue;
      timer.cancel();
      this.loops.delete(key);
    }
  }

  stop(): void {
    for (const t of this.loops.values()) t.cancel();
    this.loops.clear();
  }

  private startLoop(key: string, inst: Instance, h: HealthCheck, index: number): void {
    const taskId = inst.taskId;
    const run = async () => {
      const port = checkPort(h, inst);
      const host = inst.host || '127.0.0.1';
      const timeoutMs = h.timeoutSeconds * 1000;
      const result = port === undefined
        ? { ok: false, cause: `no port at index ${h.portIndex}` }
        : h.protocol === 'TCP'
          ? await tcpProbe(host, port, timeoutMs)
          : await httpProbe(`${h.protocol === 'HTTPS' ? 'https' : 'http'}://${host}:${port}${h.path ?? '/'}`, timeoutMs);
      if (!this.loops.has(key) || inst.taskId !== taskId) return; // the task changed meanwhile
      const prev = inst.health?.[index] ?? initialHealth();
      const now = this.clock.now();
      const r = nextHealth(prev, result, now, Date.parse(inst.startedAt ?? '') || now, { gracePeriodMs: h.gracePeriodSeconds * 1000, maxConsecutiveFailures: h.maxConsecutiveFailures });
      (inst.health ??= {})[index] = r.state;
      this.onResult(inst, index, r.state, r.changed, r.kill);
      if (this.loops.has(key)) this.loops.set(key, this.clock.after(h.intervalSeconds * 1000, tick, { unref: true }));
    };
    // The first probe right away: the grace period protects a task that is still starting.
    const tick = () => {
      run().catch(() => undefined);
    };
    this.loops.set(key, this.clock.after(0, tick, { unref: true }));
  }
}
