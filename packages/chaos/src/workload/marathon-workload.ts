import type { AppReading, AppSpec } from '../checkers/marathon';
import type { History } from '../history/history';
import type { Random } from '../random';
import { call, outcomeOf } from './http';

export interface MarathonWorkloadOptions {
  /** Base URLs of every Marathon instance: each request goes to one at random (a standby proxies). */
  bases: () => string[];
  apps: number;
  history: History;
  random: Random;
  sleep: (ms: number) => Promise<void>;
}

const UPGRADE = { minimumHealthCapacity: 0.5, maximumOverCapacity: 0.5 };

/** The app JSON for a spec: the version marker is an env var, so a new one is a rolling restart. */
function definition(id: string, spec: AppSpec) {
  return { id, cmd: 'sleep 3600', cpus: 0.05, mem: 16, instances: spec.instances, env: { CHAOS_VERSION: spec.version }, upgradeStrategy: UPGRADE, portDefinitions: [] };
}

/** An app of /v2/apps as the checker reads it. Apps without health checks count running tasks as healthy (Marathon's own rule for them). */
export function readingOf(a: any): AppReading {
  const running = Number(a.tasksRunning ?? 0);
  return {
    id: String(a.id),
    instances: Number(a.instances),
    version: String(a.env?.CHAOS_VERSION ?? ''),
    tasksRunning: running,
    tasksStaged: Number(a.tasksStaged ?? 0),
    tasksHealthy: a.healthChecks?.length ? Number(a.tasksHealthy ?? 0) : running,
    deploying: Array.isArray(a.deployments) && a.deployments.length > 0,
    minimumHealthCapacity: Number(a.upgradeStrategy?.minimumHealthCapacity ?? 1),
    maximumOverCapacity: Number(a.upgradeStrategy?.maximumOverCapacity ?? 1),
  };
}

/**
 * Marathon's workload: each app has one client that creates, scales, upgrades (rolling) and
 * deletes it, one operation at a time and not while the app deploys (Marathon refuses with 409);
 * a reader samples /v2/apps every `readMs` for the checker's deployment bounds.
 */
export class MarathonWorkload {
  private stopped = false;
  private versions = 0;

  constructor(private readonly opts: MarathonWorkloadOptions) {}

  private base(): string {
    return this.opts.random.pick(this.opts.bases());
  }

  async run(): Promise<void> {
    await Promise.all([...Array.from({ length: this.opts.apps }, (_, i) => this.client(`/chaos/app${i}`)), this.reader(1_000)]);
  }

  stop(): void {
    this.stopped = true;
  }

  private async client(id: string): Promise<void> {
    const { history, random, sleep } = this.opts;
    let exists: boolean | undefined = false;
    let spec: AppSpec = { instances: 2, version: 'v0' };
    while (!this.stopped) {
      if (exists !== true) {
        spec = { instances: random.int(1, 3), version: `v${++this.versions}` };
        const op = await history.run('marathon', 'app-create', { appId: id, spec }, async () => {
          const r = await call(this.base(), 'POST', '/v2/apps', definition(id, spec));
          return { outcome: r.status === 409 ? 'fail' : outcomeOf(r.status), result: r.status, error: r.status >= 300 ? JSON.stringify(r.body).slice(0, 300) : undefined };
        });
        // A 409 means it exists (an earlier create of unknown outcome took effect).
        exists = op.outcome === 'ok' || op.result === 409 ? true : op.outcome === 'fail' ? false : undefined;
      } else {
        const f = random.weighted([['app-scale', 4], ['app-upgrade', 4], ['app-delete', 1]] as const);
        if (f === 'app-scale') {
          const instances = random.int(1, 4);
          const op = await history.run('marathon', f, { appId: id, instances }, async () => {
            const r = await call(this.base(), 'PUT', `/v2/apps${id}`, { instances });
            return { outcome: outcomeOf(r.status), result: r.status, error: r.status >= 300 ? JSON.stringify(r.body).slice(0, 300) : undefined };
          });
          if (op.outcome === 'ok') spec = { ...spec, instances };
        } else if (f === 'app-upgrade') {
          const version = `v${++this.versions}`;
          const op = await history.run('marathon', f, { appId: id, version }, async () => {
            const r = await call(this.base(), 'PUT', `/v2/apps${id}`, { env: { CHAOS_VERSION: version } });
            return { outcome: outcomeOf(r.status), result: r.status, error: r.status >= 300 ? JSON.stringify(r.body).slice(0, 300) : undefined };
          });
          if (op.outcome === 'ok') spec = { ...spec, version };
        } else {
          const op = await history.run('marathon', f, { appId: id }, async () => {
            const r = await call(this.base(), 'DELETE', `/v2/apps${id}`);
            return { outcome: r.status === 404 ? 'fail' : outcomeOf(r.status), result: r.status };
          });
          if (op.outcome === 'ok') exists = false;
          else if (op.outcome === 'info') exists = undefined;
        }
      }
      await this.settle(id);
      await sleep(random.int(500, 2_000));
    }
  }

  /** Waits (up to 30 s) for the app's deployment to end, so the next operation is not refused as a conflict. */
  private async settle(id: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!this.stopped && Date.now() < deadline) {
      const r = await call(this.base(), 'GET', `/v2/apps${id}`, undefined, 5_000).catch(() => undefined);
      if (r && (r.status === 404 || (r.status === 200 && !(r.body.app?.deployments?.length > 0)))) return;
      await this.opts.sleep(500);
    }
  }

  private async reader(everyMs: number): Promise<void> {
    while (!this.stopped) {
      const at = Date.now();
      const r = await call(this.base(), 'GET', '/v2/apps?embed=apps.deployments', undefined, 5_000).catch(() => undefined);
      if (r?.status === 200 && Array.isArray(r.body.apps)) this.opts.history.observe('marathon-apps', 'marathon', r.body.apps.map(readingOf), at);
      await this.opts.sleep(everyMs);
    }
  }

  /** After healing: waits until every app is done deploying and runs its count (or `timeoutMs`), then records the final read. */
  async finalRead(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: AppReading[] | undefined;
    let at = Date.now();
    while (Date.now() < deadline) {
      at = Date.now();
      const r = await call(this.base(), 'GET', '/v2/apps?embed=apps.deployments', undefined, 5_000).catch(() => undefined);
      if (r?.status === 200 && Array.isArray(r.body.apps)) {
        last = r.body.apps.map(readingOf);
        if (last!.every((a) => !a.deploying && a.tasksRunning === a.instances)) break;
      }
      await this.opts.sleep(1_000);
    }
    if (last) this.opts.history.observe('marathon-final', 'marathon', last, at);
  }
}
