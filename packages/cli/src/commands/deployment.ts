import type { GatewayClient } from '../cluster/gateway-client';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { gateway as client, printJson as print } from '../cluster/output';
import { parseSse } from '../cluster/sse';
import { table } from '../table';
import { DeploymentEnds } from '../deployments';

interface Deployment {
  id: string;
  version: string;
  affectedApps: string[];
  currentStep: number;
  totalSteps: number;
  currentActions?: { action: string; app: string }[];
}


export async function deploymentList(o: { json?: boolean }): Promise<void> {
  const ds = await client().get<Deployment[]>('/marathon/v2/deployments');
  if (o.json) return print(ds);
  process.stdout.write(table(['ID', 'APPS', 'STEP', 'ACTIONS'], ds.map((d) => [d.id, d.affectedApps.join(','), `${d.currentStep}/${d.totalSteps}`, [...new Set((d.currentActions ?? []).map((a) => a.action))].join(',')])) + '\n');
}

/** `rollback ID` reverts what the deployment did (a new deployment); `stop ID` just cancels it (force). */
export async function deploymentCancel(id: string, o: { force?: boolean; json?: boolean }): Promise<void> {
  const r = await client().call<{ deploymentId?: string } | undefined>('DELETE', `/marathon/v2/deployments/${encodeURIComponent(id)}${o.force ? '?force=true' : ''}`);
  if (o.json) return print(r ?? {});
  process.stdout.write(o.force ? `deployment ${id} stopped\n` : `deployment ${id} rolled back by ${r?.deploymentId ?? 'a new deployment'}\n`);
}

/**
 * Follows a deployment to its end, drawing healthy/target (running when the app has no health
 * checks) per affected app, and returns the exit code a CI pipeline can trust: 0 on
 * deployment_success, 1 when it failed, was stopped or rolled back (deployment_failed, or gone
 * with no success seen).
 */
export async function watchDeployment(id: string, o: { timeoutSeconds?: number }, followed?: DeploymentOutcomes): Promise<number> {
  const api = client();
  const outcomes = followed ?? followOutcomes(api);
  const outcome = { ready: outcomes.ready, result: () => outcomes.result(id), within: (ms: number) => outcomes.within(id, ms) };
  const bars = process.stderr.isTTY ? new MultiBar({ format: ' {app} [{bar}] {value}/{total} {what}', hideCursor: true, clearOnComplete: false, stream: process.stderr }, Presets.shades_classic) : undefined;
  const perApp = new Map<string, SingleBar>();
  const lastLine = new Map<string, string>();
  let seen = false;
  let apps: string[] = [];
  const deadline = o.timeoutSeconds ? Date.now() + o.timeoutSeconds * 1000 : Infinity;
  try {
    // The stream first, so that an end is not missed between the first poll and the subscription.
    await outcome.ready;
    for (;;) {
      const ended = outcome.result();
      if (ended) return await finish(ended);
      const ds = await api.get<Deployment[]>('/marathon/v2/deployments');
      const d = ds.find((x) => x.id === id);
      if (d) seen = true;
      if (!d) {
        // Gone from the list: its event says how it ended (give the stream a moment to deliver it).
        const end = await outcome.within(3_000);
        return await finish(end ?? { ok: false, why: seen ? 'it ended without a deployment_success event' : 'no such deployment in progress' });
      }
      apps = d.affectedApps;
      await draw(`step ${d.currentStep}/${d.totalSteps}`);
      if (Date.now() > deadline) return await finish({ ok: false, why: `still running after ${o.timeoutSeconds} s` });
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    bars?.stop();
    outcomes.close();
  }

  /** One bar (or line, off a TTY) per affected app: healthy/target, or running when it has no health checks. */
  async function draw(step: string): Promise<void> {
    for (const appId of apps) {
      const app = await api.get<{ app: { instances: number; tasksRunning?: number; tasksHealthy?: number; healthChecks?: unknown[] } }>(`/marathon/v2/apps/${appId.replace(/^\//, '')}?embed=app.counts`).catch(() => undefined);
      if (!app) continue;
      const checked = (app.app.healthChecks?.length ?? 0) > 0;
      const value = checked ? (app.app.tasksHealthy ?? 0) : (app.app.tasksRunning ?? 0);
      const what = `${checked ? 'healthy' : 'running'} · ${step}`;
      if (bars) {
        const bar = perApp.get(appId) ?? bars.create(app.app.instances, 0, { app: appId, what });
        perApp.set(appId, bar);
        bar.setTotal(Math.max(1, app.app.instances));
        bar.update(value, { app: appId, what });
      } else {
        const line = `${appId} ${value}/${app.app.instances} ${what}`;
        if (lastLine.get(appId) !== line) process.stderr.write(`${line}\n`);
        lastLine.set(appId, line);
      }
    }
  }

  async function finish(end: { ok: boolean; why: string }): Promise<number> {
    // The state it ended in, which the last poll may not have seen.
    if (end.ok) await draw('done');
    bars?.stop();
    process.stdout.write(end.ok ? `deployment ${id} succeeded\n` : `deployment ${id} failed: ${end.why}\n`);
    return end.ok ? 0 : 1;
  }
}

export interface WriteOptions {
  wait?: boolean;
  json?: boolean;
  force?: boolean;
}
export type Started = { deploymentId?: string; deployments?: { id: string }[] };

/**
 * Makes a write that starts a deployment and, with `--wait`, follows it to its end and returns
 * its exit code. The event stream is opened before the write, so a deployment that is over
 * before the first poll is still seen succeeding.
 */
export async function deploying<T extends Started>(o: WriteOptions, write: () => Promise<T>, said?: (answer: T) => string): Promise<number> {
  let outcomes: DeploymentOutcomes | undefined;
  if (o.wait) {
    outcomes = followOutcomes(client());
    await outcomes.ready;
  }
  let answer: T;
  try {
    answer = await write();
  } catch (err) {
    outcomes?.close();
    throw err;
  }
  const id = answer.deploymentId ?? answer.deployments?.[0]?.id;
  if (o.json) print(answer);
  else process.stdout.write(`${said ? said(answer) + '\n' : ''}${id ? `deployment ${id}\n` : 'done\n'}`);
  if (outcomes && id) return watchDeployment(id, {}, outcomes);
  outcomes?.close();
  return 0;
}
/** `--force`: Marathon's `?force=true`, which overrides a deployment in progress. */
export const forced = (o: WriteOptions) => (o.force ? '?force=true' : '');

export type DeploymentOutcomes = ReturnType<typeof followOutcomes>;

/**
 * How deployments end, as Marathon's event stream tells it. Opened before a write that starts a
 * deployment (`app add --wait`), so that even one that ends at once is seen ending.
 */
export function followOutcomes(api: GatewayClient) {
  const ends = new DeploymentEnds();
  const ac = new AbortController();
  let opened: () => void = () => undefined;
  const ready = new Promise<void>((r) => (opened = r));
  (async () => {
    try {
      const r = await fetch(`${api.base}/marathon/v2/events?event_type=deployment_success&event_type=deployment_failed`, { headers: api.headers({ accept: 'text/event-stream' }), signal: ac.signal });
      opened();
      if (!r.ok || !r.body) return;
      const decoder = new TextDecoder();
      let rest = '';
      for await (const chunk of r.body) {
        const parsed = parseSse(rest + decoder.decode(chunk as Uint8Array, { stream: true }));
        rest = parsed.rest;
        for (const f of parsed.frames) {
          if (f.event !== 'deployment_success' && f.event !== 'deployment_failed') continue;
          const data = JSON.parse(f.data) as { id?: string; reason?: string };
          if (!data.id) continue;
          ends.record(data.id, f.event === 'deployment_success' ? { ok: true, why: '' } : { ok: false, why: data.reason ?? 'deployment_failed' });
        }
      }
    } catch {
      // closed, or the stream is unavailable: the deployments list still ends the watch
    } finally {
      opened();
    }
  })().catch(() => undefined);
  return {
    /** Resolves once the stream is open (or could not be): events from then on are seen. */
    ready: Promise.race([ready, new Promise<void>((r) => setTimeout(r, 3_000).unref())]),
    result: (id: string) => ends.get(id),
    within: (id: string, ms: number) => ends.within(id, ms),
    close: () => ac.abort(),
  };
}
