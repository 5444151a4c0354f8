import * as res from '@strata/lib/resources';
import type { ReasonName, TaskInfo__Output, TaskStateName } from '@strata/proto';
import type { ExitInfo } from '../containerizer/containerizer';

export interface TerminalStatus {
  state: TaskStateName;
  message: string;
  reason?: ReasonName;
  exitCode?: number;
}

/**
 * What a task's end is reported as (Mesos's command executor's wording): a timeout the agent
 * enforced, the memory limit, a failed launch, a kill, an executor lost while the agent was
 * down, a clean exit, a signal, or a non-zero status. Pure.
 */
export function exitStatus(exit: ExitInfo, info: TaskInfo__Output, timedOut: boolean): TerminalStatus {
  const code = exit.code ?? undefined;
  if (timedOut) {
    const limit = Number(info.maxCompletionTime?.nanoseconds ?? 0) / 1e9;
    return { state: 'TASK_FAILED', message: `Task exceeded its maximum completion time of ${limit} seconds`, reason: 'REASON_MAX_COMPLETION_TIME_REACHED', exitCode: code };
  }
  if (exit.oom && !exit.killed) {
    const wanted = res.scalar(res.fromProto(info.resources), 'mem');
    const used = exit.peakMemoryBytes !== undefined ? `${Math.round(exit.peakMemoryBytes / 1024 / 1024)}MB` : 'unknown';
    return { state: 'TASK_FAILED', message: `Memory limit exceeded: Requested: ${wanted}MB Maximum Used: ${used}`, reason: 'REASON_CONTAINER_LIMITATION_MEMORY', exitCode: code };
  }
  if (exit.launchError) return { state: 'TASK_FAILED', message: `Failed to launch: ${exit.launchError}`, reason: 'REASON_CONTAINER_LAUNCH_FAILED' };
  if (exit.killed) return { state: 'TASK_KILLED', message: exit.signal ? `Command terminated with signal ${exit.signal}` : `Command exited with status ${exit.code}`, exitCode: code };
  if (exit.lost) return { state: 'TASK_FAILED', message: 'The executor ended without an exit status while the agent was down', reason: 'REASON_EXECUTOR_TERMINATED' };
  if (exit.code === 0) return { state: 'TASK_FINISHED', message: 'Command exited with status 0', exitCode: 0 };
  if (exit.signal) return { state: 'TASK_FAILED', message: `Command terminated with signal ${exit.signal}`, reason: 'REASON_COMMAND_EXECUTOR_FAILED', exitCode: code };
  return { state: 'TASK_FAILED', message: `Command exited with status ${exit.code}`, reason: 'REASON_COMMAND_EXECUTOR_FAILED', exitCode: code };
}
