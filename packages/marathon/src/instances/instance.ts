import type { TaskStateName } from '@strata/proto';
import { safePathId } from '../model/path-id';

/**
 * One instance of an app: it keeps its id across relaunches; each launch is a new task with
 * the incarnation bumped (Marathon 1.x: `<app>.instance-<uuid>._app.<n>`).
 */
export interface Instance {
  instanceId: string;
  appId: string;
  uuid: string;
  incarnation: number;
  /** The app version this instance runs (or will run when launched). */
  appVersion: string;
  /** 'running': Marathon wants it up; 'decommissioned': it is being killed and will be forgotten. */
  goal: 'running' | 'decommissioned';
  /** Mesos state of the current task; undefined before the first launch or after it ended and awaits relaunch. */
  state?: TaskStateName;
  taskId?: string;
  agentId?: string;
  host?: string;
  ports: number[];
  stagedAt?: string;
  startedAt?: string;
  message?: string;
  /** Health per check index of the app (Marathon-level probes, or the agent's `healthy` for a Mesos-level one). */
  health?: Record<number, import('@strata/lib').HealthState>;
  /** The readiness check's last answer, while a deployment waits for this instance. */
  readiness?: { name: string; ready: boolean; lastResponse?: { status: number; contentType: string; body: string } };
}

/** `uuid` comes from the caller (randomUUID in the service, fixed in tests): this module stays pure. */
export function newInstance(appId: string, appVersion: string, uuid: string): Instance {
  return { instanceId: `${safePathId(appId)}.marathon-${uuid}`, appId, uuid, incarnation: 0, appVersion, goal: 'running', ports: [] };
}

export function taskIdFor(inst: Instance, incarnation: number): string {
  return `${safePathId(inst.appId)}.instance-${inst.uuid}._app.${incarnation}`;
}

/** The instance a task id belongs to: the uuid is in the id. */
export function instanceUuidOfTask(taskId: string): string | undefined {
  return /\.instance-([0-9a-f-]{36})\._app\.\d+$/.exec(taskId)?.[1];
}

/**
 * The instance and app a task id names, for a task no instance is known for: task ids are
 * `<app id, / as _>.instance-<uuid>._app.<n>`, and app ids have no `_`.
 */
export function instanceOfTask(taskId: string): { instanceId: string; appId: string } | undefined {
  const m = /^(.*)\.instance-([0-9a-f-]{36})\._app\.\d+$/.exec(taskId);
  return m ? { instanceId: `${m[1]}.marathon-${m[2]}`, appId: `/${m[1]!.replace(/_/g, '/')}` } : undefined;
}

const LIVE: ReadonlySet<string> = new Set(['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING']);
export const isLive = (i: Instance) => i.state !== undefined && LIVE.has(i.state);
export const isRunning = (i: Instance) => i.state === 'TASK_RUNNING';

/**
 * Healthy as deployments count it: running, and with health checks, every check alive
 * (an app without checks is healthy once running, as in Marathon).
 */
export function isHealthy(i: Instance, checks: number): boolean {
  if (!isRunning(i)) return false;
  for (let k = 0; k < checks; k++) if (i.health?.[k]?.alive !== true) return false;
  return true;
}

/** What a deployment waits for on a new instance: healthy, and ready when the app has a readiness check. */
export function isHealthyAndReady(i: Instance, checks: number, readinessChecks: number): boolean {
  return isHealthy(i, checks) && (readinessChecks === 0 || i.readiness?.ready === true);
}
/** Wanted up and not launched yet (or its last task ended): the launch queue's work. */
export const needsLaunch = (i: Instance) => i.goal === 'running' && !isLive(i) && i.state !== 'TASK_UNREACHABLE';

/**
 * Marathon's scale-down order (ScalingProposition): unreachable, then staging, starting, running,
 * then anything else; ties by killSelection on the relevant timestamp.
 */
export function killOrder(instances: Instance[], selection: 'YOUNGEST_FIRST' | 'OLDEST_FIRST'): Instance[] {
  const weight = (i: Instance) =>
    i.state === 'TASK_UNREACHABLE' ? 1 : i.state === undefined ? 0 : i.state === 'TASK_STAGING' ? 2 : i.state === 'TASK_STARTING' ? 3 : i.state === 'TASK_RUNNING' ? 4 : 5;
  const time = (i: Instance) => Date.parse(i.startedAt ?? i.stagedAt ?? '') || 0;
  return [...instances].sort((a, b) => weight(a) - weight(b) || (selection === 'YOUNGEST_FIRST' ? time(b) - time(a) : time(a) - time(b)));
}
