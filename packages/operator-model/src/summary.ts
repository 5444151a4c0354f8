/**
 * What the views show, computed from the APIs' JSON: pure functions, unit-tested, no DOM.
 */

export interface MasterState {
  slaves: { id: string; hostname: string; port: number; active: boolean; resources: Record<string, number | string>; used_resources: Record<string, number | string>; attributes?: Record<string, string | number> }[];
  frameworks: { id: string; name: string; active?: boolean; tasks: { id: string; name: string; state: string; slave_id: string }[] }[];
}

export interface MarathonApp {
  id: string;
  instances: number;
  cpus: number;
  mem: number;
  tasksRunning?: number;
  tasksHealthy?: number;
  tasksUnhealthy?: number;
  tasksStaged?: number;
  healthChecks?: unknown[];
  deployments?: { id: string }[];
}

export const SCALARS = ['cpus', 'mem', 'disk'] as const;
export type Scalar = (typeof SCALARS)[number];

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export interface ClusterSummary {
  agents: { active: number; inactive: number };
  total: Record<Scalar, number>;
  used: Record<Scalar, number>;
  tasksByState: Record<string, number>;
}

export function clusterSummary(state: MasterState): ClusterSummary {
  const total = { cpus: 0, mem: 0, disk: 0 };
  const used = { cpus: 0, mem: 0, disk: 0 };
  let active = 0;
  for (const a of state.slaves) {
    if (!a.active) continue;
    active++;
    for (const k of SCALARS) {
      total[k] += num(a.resources[k]);
      used[k] += num(a.used_resources[k]);
    }
  }
  const tasksByState: Record<string, number> = {};
  for (const f of state.frameworks) for (const t of f.tasks) tasksByState[t.state] = (tasksByState[t.state] ?? 0) + 1;
  return { agents: { active, inactive: state.slaves.length - active }, total, used, tasksByState };
}

/** DC/OS's words for a service's state. */
export type ServiceStatus = 'Running' | 'Deploying' | 'Suspended' | 'Waiting' | 'Delayed';

export interface QueueEntry {
  app?: { id: string };
  delay?: { overdue: boolean; timeLeftSeconds?: number };
  processedOffersSummary?: { processedOffersCount: number; rejectSummaryLastOffers?: { reason: string; declined: number; processed: number }[] };
}

/** Marathon's reason codes in an operator's words. */
const REASON_WORDS: Record<string, string> = {
  UnfulfilledRole: 'no offer for its role',
  UnfulfilledConstraint: 'constraints not met',
  NoCorrespondingReservationFound: 'no matching reservation',
  AgentMaintenance: 'agents in maintenance',
  InsufficientCpus: 'insufficient cpus',
  InsufficientMemory: 'insufficient memory',
  InsufficientDisk: 'insufficient disk',
  InsufficientGpus: 'insufficient gpus',
  InsufficientPorts: 'insufficient ports',
  DeclinedScarceResources: 'declined scarce resources',
};

/**
 * Why a queued app is not launching (DC/OS's "waiting for resources" detail): each reason that
 * declined offers, most declines first, as "insufficient cpus (3 of 3 offers)"; a backoff left
 * comes first. Empty when nothing is known yet.
 */
export function launchReasons(entry: QueueEntry | undefined): string[] {
  if (!entry) return [];
  const out: string[] = [];
  if (entry.delay && !entry.delay.overdue && (entry.delay.timeLeftSeconds ?? 0) > 0) out.push(`backing off: ${entry.delay.timeLeftSeconds} s left`);
  const rejects = (entry.processedOffersSummary?.rejectSummaryLastOffers ?? []).filter((r) => r.declined > 0).sort((a, b) => b.declined - a.declined);
  for (const r of rejects) out.push(`${REASON_WORDS[r.reason] ?? r.reason} (${r.declined} of ${r.processed} offers)`);
  return out;
}

export function serviceStatus(app: MarathonApp, queue: readonly QueueEntry[] = []): ServiceStatus {
  const q = queue.find((e) => e.app?.id === app.id);
  if (q?.delay && !q.delay.overdue && (q.delay.timeLeftSeconds ?? 0) > 0) return 'Delayed';
  if (app.deployments?.length) return q ? 'Waiting' : 'Deploying';
  if (app.instances === 0) return 'Suspended';
  return 'Running';
}

/** Health as DC/OS shows it: healthy, unhealthy, or n/a without health checks. */
export function serviceHealth(app: MarathonApp): 'Healthy' | 'Unhealthy' | 'Idle' | 'N/A' {
  if (!app.healthChecks?.length) return app.instances === 0 ? 'Idle' : 'N/A';
  if ((app.tasksUnhealthy ?? 0) > 0) return 'Unhealthy';
  return (app.tasksHealthy ?? 0) >= app.instances ? 'Healthy' : 'Unhealthy';
}

/** Fraction used, 0 when there is nothing. */
export const share = (used: number, total: number) => (total > 0 ? Math.min(1, used / total) : 0);

/** Marathon's 422 details as field → messages (path `/cpus` → `cpus`; `/` → the form itself). */
export function fieldErrors(body: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const details = (body as { details?: { path?: string; errors?: string[] }[] } | undefined)?.details ?? [];
  for (const d of details) {
    const field = (d.path ?? '/').replace(/^\//, '').replace(/\(\d+\)/g, '') || '_form';
    (out[field] ??= []).push(...(d.errors ?? []));
  }
  return out;
}

/** A bounded series of samples, oldest first (the dashboard's allocation chart). */
export function pushSample<T>(series: readonly T[], sample: T, max = 120): T[] {
  const next = [...series, sample];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** A deployment as GET /v2/deployments lists it. */
export interface MarathonDeployment {
  id: string;
  affectedApps: string[];
  currentActions?: { action: string; app: string }[];
  currentStep: number;
  totalSteps: number;
}

/**
 * What a deployment is doing to an app, in DC/OS's words: "step 1 of 2: ScaleApplication"
 * (the current step's actions on that app; all of them when none names it).
 */
export function deploymentProgress(deployments: readonly MarathonDeployment[], appId: string): string | undefined {
  const d = deployments.find((x) => x.affectedApps.includes(appId));
  if (!d) return undefined;
  const mine = (d.currentActions ?? []).filter((a) => a.app === appId);
  const actions = [...new Set((mine.length ? mine : (d.currentActions ?? [])).map((a) => a.action))];
  return `step ${d.currentStep} of ${d.totalSteps}${actions.length ? `: ${actions.join(', ')}` : ''}`;
}
