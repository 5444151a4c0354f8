import { httpProbe, nextHealth, tcpProbe, initialHealth, type HealthState } from '@strata/lib';
import type { AppDefinition, HealthCheck } from '../model/app-definition';
import type { Instance } from '../instances/instance';

/** Checks Marathon probes itself (from the scheduler, as Marathon's HTTP/HTTPS/TCP checks do). */
export const isMarathonLevel = (h: HealthCheck) => h.protocol === 'HTTP' || h.protocol === 'HTTPS' || h.protocol === 'TCP';

/** The port a check targets: `port`, or the task's port at `portIndex`. */
export function checkPort(h: HealthCheck, inst: Instance): number | undefined {
  return h.port ?? inst.ports[h.portIndex ?? 0];
}

/**
 * Runs Marathon-level health checks for running instances: one timer per (task, check), started
 * when the task runs and dropped when it stops. Results go back through `onResult`.
 */
export class HealthMonitor {
  private readonly loops = new Map<string, NodeJS.Timeout>();

  constructor(private readonly onResult: (inst: Instance, index: number, state: HealthState, changed: boolean, kill: boolean) => void) {}

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
      clearTimeout(timer);
      this.loops.delete(key);
    }
  }

  stop(): void {
    for (const t of this.loops.values()) clearTimeout(t);
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
      const r = nextHealth(prev, result, Date.now(), Date.parse(inst.startedAt ?? '') || Date.now(), { gracePeriodMs: h.gracePeriodSeconds * 1000, maxConsecutiveFailures: h.maxConsecutiveFailures });
      (inst.health ??= {})[index] = r.state;
      this.onResult(inst, index, r.state, r.changed, r.kill);
      if (this.loops.has(key)) this.loops.set(key, setTimeout(run, h.intervalSeconds * 1000).unref());
    };
    // The first probe right away: the grace period protects a task that is still starting.
    this.loops.set(key, setTimeout(run, 0).unref());
  }
}
