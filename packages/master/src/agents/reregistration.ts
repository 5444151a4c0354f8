import { isTerminalState, type TaskInfo__Output, type TaskStateName } from '@strata/proto';
import { taskKey } from '../registry';

/** A task an agent reports when it reregisters. */
export interface ReportedTask {
  frameworkId: string;
  taskId: string;
  state: TaskStateName;
  info: TaskInfo__Output;
}

export interface ReregistrationDiff {
  /** Keys the master sent the agent that the agent does not have: the launch was lost with the old connection or process. */
  lost: string[];
  /** Live tasks to keep (new to this master after a restart, or known and coming back from unreachable). */
  adopt: ReportedTask[];
  /** Tasks that must not run on: their framework is gone, or was told TASK_LOST and has replaced them (Mesos < 1.5). */
  kill: { frameworkId: string; taskId: string }[];
  /**
   * Terminal tasks new to this master (it took over while their final update was unacknowledged):
   * kept among the completed, so a kill or a reconciliation of one is answered as "it ended",
   * not TASK_GONE just before its TASK_FINISHED arrives (found by the chaos run's kernel checker).
   */
  ended: ReportedTask[];
}

/**
 * Mesos's reregistration rule as a diff of what the master knows of an agent against what the
 * agent reports. Terminal reported tasks count as "the agent has it" (their final update is
 * on its way) but are neither adopted nor killed; those new to this master are remembered as ended.
 */
export function diffReregistration(input: {
  known: ReadonlySet<string>;
  reported: readonly ReportedTask[];
  givenUp: ReadonlySet<string>;
  hasFramework: (frameworkId: string) => boolean;
}): ReregistrationDiff {
  const { known } = input;
  // After a failover the new leader knows no task of any agent: nothing can be lost, and the
  // keys of every reported task (400,000 of them) need not be made.
  let lost: string[] = [];
  if (known.size) {
    const reportedKeys = new Set(input.reported.map((t) => taskKey(t.frameworkId, t.taskId)));
    lost = [...known].filter((k) => !reportedKeys.has(k));
  }
  const adopt: ReportedTask[] = [];
  const kill: { frameworkId: string; taskId: string }[] = [];
  const ended: ReportedTask[] = [];
  for (const t of input.reported) {
    if (!t.frameworkId || !t.taskId) continue;
    if (isTerminalState(t.state)) {
      if ((!known.size || !known.has(taskKey(t.frameworkId, t.taskId))) && input.hasFramework(t.frameworkId)) ended.push(t);
      continue;
    }
    if (!input.hasFramework(t.frameworkId) || input.givenUp.has(taskKey(t.frameworkId, t.taskId))) kill.push({ frameworkId: t.frameworkId, taskId: t.taskId });
    else adopt.push(t);
  }
  return { lost, adopt, kill, ended };
}
