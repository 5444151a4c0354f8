import type { TaskInfo__Output, TaskStateName } from '@strata/proto';
import type { Timer } from '@strata/lib';
import type { CheckpointedTask } from '../checkpoint/task-checkpoint';
import { safeId } from '../checkpoint/paths';
import type { Container } from '../containerizer/containerizer';
import type { TaskHealthChecker } from '../health/task-health-checker';

/** A task on this agent, from launch until its last update is acknowledged. */
export interface TaskRecord {
  /** Names the task's cgroups: derived from its ids, so a restarted agent finds them again. */
  containerId: string;
  frameworkId: string;
  info: TaskInfo__Output;
  state: TaskStateName;
  sandbox: string;
  checkpoint: CheckpointedTask;
  /** Secret environment variables, in memory only: never checkpointed, so a recovered task has none. */
  secretEnv?: Record<string, string>;
  container?: Container;
  health?: TaskHealthChecker;
  /** Set when the agent killed the task for running past its max_completion_time. */
  timedOut?: boolean;
  deadline?: Timer;
}

export const containerIdOf = (frameworkId: string, taskId: string) => `${safeId(frameworkId)}.${safeId(taskId)}`;
export const taskKeyOf = (frameworkId: string, taskId: string) => `${frameworkId}/${taskId}`;
