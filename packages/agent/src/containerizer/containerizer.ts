import type { CommandInfo__Output } from '@strata/proto';

export interface LaunchSpec {
  taskId: string;
  command: CommandInfo__Output;
  env: Record<string, string>;
  sandbox: string;
}

/** How a task's process ended. `signal` is set when it was killed by one. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the exit followed kill(): the task becomes TASK_KILLED whatever its exit code. */
  killed: boolean;
  /** Set when the process could not be started at all. */
  launchError?: string;
}

export interface Container {
  readonly pid: number | undefined;
  /** Resolves once the task's process has exited and its process group is gone. */
  readonly exited: Promise<ExitInfo>;
  /** SIGTERM to the whole process group, SIGKILL after the grace period. */
  kill(gracePeriodMs: number): void;
}

/** Mesos's containerizer seam: the process containerizer now, Docker and cgroup isolation beside it later. */
export interface Containerizer {
  launch(spec: LaunchSpec): Promise<Container>;
}
