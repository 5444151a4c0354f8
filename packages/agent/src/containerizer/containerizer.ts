import type { CommandInfo__Output } from '@strata/proto';

export interface LaunchSpec {
  taskId: string;
  command: CommandInfo__Output;
  env: Record<string, string>;
  sandbox: string;
  /** Where the executor writes the task's exit status, so it survives the agent. */
  statusFile: string;
  /**
   * Called with the executor's pid before any user code runs (the executor waits on a gate), so
   * isolators can put it in its cgroups: user code never runs outside its limits.
   */
  isolate?: (pid: number) => Promise<void>;
}

/** How a task's process ended. */
export interface ExitInfo {
  /** Exit status as the shell reports it (128+n when killed by signal n); null when unknown. */
  code: number | null;
  /** The signal that (probably) ended it. */
  signal: NodeJS.Signals | null;
  /** True when the exit followed kill(): the task becomes TASK_KILLED whatever its exit code. */
  killed: boolean;
  /** Set when the process could not be started at all. */
  launchError?: string;
  /** The executor vanished without leaving an exit status (killed with SIGKILL while no agent watched). */
  lost?: boolean;
}

export interface Container {
  readonly pid: number | undefined;
  /** Start time of the executor in clock ticks since boot (from /proc), to recognise it after a restart. */
  readonly startTicks: number | undefined;
  /** Resolves once the task's process has exited and its process group is gone. */
  readonly exited: Promise<ExitInfo>;
  /** SIGTERM to the whole process group, SIGKILL after the grace period. */
  kill(gracePeriodMs: number): void;
}

export interface RecoverSpec {
  pid: number;
  startTicks?: number;
  statusFile: string;
  killRequested: boolean;
}

/** Mesos's containerizer seam: the process containerizer now, Docker beside it later. */
export interface Containerizer {
  launch(spec: LaunchSpec): Promise<Container>;
  /** Reattaches to a task started by an earlier agent process. */
  recover(spec: RecoverSpec): Container;
}
