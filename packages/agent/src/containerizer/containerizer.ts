import type { Resources } from '@strata/lib';
import type { TaskInfo__Output } from '@strata/proto';
import type { SystemUser } from '../users/passwd';

export interface LaunchSpec {
  /** Stable name of the task's container, derived from its ids: a restarted agent computes it again. */
  containerId: string;
  frameworkId: string;
  taskId: string;
  task: TaskInfo__Output;
  resources: Resources;
  /** The task's environment (ports, sandbox, ids, its own variables). */
  env: Record<string, string>;
  sandbox: string;
  /** Where the process executor writes the task's exit status, so it survives the agent. */
  statusFile: string;
  /** The user the task runs as (--switch_user); absent, the agent's own. */
  user?: SystemUser;
}

/** How a task's process ended. */
export interface ExitInfo {
  /** Exit status as the shell reports it (128+n when killed by signal n); null when unknown. */
  code: number | null;
  /** The signal that (probably) ended it. */
  signal: NodeJS.Signals | null;
  /** True when the exit followed kill(): the task becomes TASK_KILLED whatever its exit code. */
  killed: boolean;
  /** Set when the task could not be started at all (bad image, engine refused, …). */
  launchError?: string;
  /** The task vanished without leaving an exit status (killed while no agent watched). */
  lost?: boolean;
  /** The memory limit's OOM killer fired in the container. */
  oom?: boolean;
  peakMemoryBytes?: number;
}

export interface Container {
  readonly pid: number | undefined;
  /** Start time of the executor in clock ticks since boot (from /proc), to recognise it after a restart. */
  readonly startTicks: number | undefined;
  /** Resolves once the task has exited. */
  readonly exited: Promise<ExitInfo>;
  /** SIGTERM first, SIGKILL after the grace period. */
  kill(gracePeriodMs: number): void;
  /** Releases what the container held (cgroups, the Docker container): called after its terminal update is sent. */
  destroy(): Promise<void>;
}

export interface RecoverSpec {
  containerId: string;
  task: TaskInfo__Output;
  pid?: number;
  startTicks?: number;
  statusFile: string;
  sandbox: string;
  killRequested: boolean;
}

/** Mesos's containerizer seam: a process containerizer and a Docker one, composed by task type. */
export interface Containerizer {
  launch(spec: LaunchSpec): Promise<Container>;
  /** Reattaches to a task started by an earlier agent process. */
  recover(spec: RecoverSpec): Container;
  /** Removes containers this agent started that no live task owns. */
  cleanupOrphans?(live: Set<string>): Promise<void>;
}

export function isDockerTask(task: TaskInfo__Output): boolean {
  return task.container?.type === 'DOCKER';
}
