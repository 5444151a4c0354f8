import type { Clock, Timer } from '@strata/lib';
import type { AppDefinition } from '../model/app-definition';
import type { Instance } from '../instances/instance';

/**
 * Readiness checks (Marathon's ReadinessCheckExecutor): polled only for new instances that a
 * deployment waits on, from TASK_RUNNING until the answer's status is one of
 * httpStatusCodesForReady. Then the instance counts as ready and polling stops.
 */
export class ReadinessMonitor {
  private readonly loops = new Map<string, Timer>();

  constructor(
    private readonly clock: Clock,
    private readonly onResult: (inst: Instance) => void,
  ) {}

  sync(apps: Map<string, AppDefinition>, instances: Iterable<Instance>, waitingOn: (appId: string) => boolean): void {
    const wanted = new Set<string>();
    for (const inst of instances) {
      const app = apps.get(inst.appId);
      const check = app?.readinessChecks[0];
      if (!app || !check || !inst.taskId || inst.state !== 'TASK_RUNNING' || inst.goal !== 'running' || inst.readiness?.ready || inst.appVersion !== app.version || !waitingOn(app.id)) continue;
      wanted.add(inst.taskId);
      if (this.loops.has(inst.taskId)) continue;
      const portIndex = app.portDefinitions.findIndex((p) => p.name === check.portName);
      const url = `${check.protocol === 'HTTPS' ? 'https' : 'http'}://${inst.host || '127.0.0.1'}:${inst.ports[portIndex]}${check.path}`;
      const taskId = inst.taskId;
      const run = async () => {
        let readiness: Instance['readiness'];
        try {
          const r = await fetch(url, { signal: AbortSignal.timeout(check.timeoutSeconds * 1000) });
          const body = check.preserveLastResponse ? await r.text() : (await r.arrayBuffer(), '');
          readiness = { name: check.name, ready: check.httpStatusCodesForReady.includes(r.status), lastResponse: { status: r.status, contentType: r.headers.get('content-type') ?? '', body } };
        } catch {
          readiness = { name: check.name, ready: false };
        }
        if (!this.loops.has(taskId) || inst.taskId !== taskId) return;
        inst.readiness = readiness;
        this.onResult(inst);
        if (readiness.ready) this.loops.delete(taskId);
        else this.loops.set(taskId, this.clock.after(check.intervalSeconds * 1000, tick, { unref: true }));
      };
      const tick = () => {
      run().catch(() => undefined);
    };
      this.loops.set(taskId, this.clock.after(0, tick, { unref: true }));
    }
    for (const [key, t] of this.loops) {
      if (wanted.has(key)) continue;
      t.cancel();
      this.loops.delete(key);
    }
  }

  stop(): void {
    for (const t of this.loops.values()) t.cancel();
    this.loops.clear();
  }
}
