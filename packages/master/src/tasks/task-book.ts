import type { Resources } from '@strata/lib/resources';
import type { Clock } from '@strata/lib/time';
import type { TaskStateName } from '@strata/proto';
import { TaskTally, type FrameworkEntry, type TaskEntry } from '../registry';

/**
 * Every live task's record and the tally of tasks per state. All bookkeeping of a task goes
 * through here (record, state change, forget, complete), so the tally a metrics scrape reads
 * and each framework's task table cannot drift apart.
 */
export class TaskBook {
  readonly tally = new TaskTally();

  constructor(
    private readonly clock: Clock,
    private readonly maxCompletedPerFramework: number,
  ) {}

  create(frameworkId: string, agentId: string, info: TaskEntry['info'], resources: Resources, state: TaskStateName): TaskEntry {
    const ts = this.clock.now() / 1000;
    const id = info.taskId?.value ?? '';
    return {
      id,
      frameworkId,
      agentId,
      info,
      resources,
      state,
      latest: { taskId: { value: id }, state, agentId: { value: agentId }, source: 'SOURCE_MASTER', timestamp: ts },
      statuses: [{ state, timestamp: ts }],
    };
  }

  /** A live task: in its framework's table and in the tally. */
  record(fw: FrameworkEntry, task: TaskEntry): void {
    const before = fw.tasks.get(task.id);
    if (before) this.tally.remove(before.state);
    fw.tasks.set(task.id, task);
    this.tally.add(task.state);
  }

  /** Every state change of a live task goes through here: its history and the tally stay true. */
  setState(task: TaskEntry, state: TaskStateName, timestamp = this.clock.now() / 1000): void {
    this.tally.move(task.state, state);
    task.state = state;
    task.statuses.push({ state, timestamp });
  }

  /** No longer live; not kept among the completed (see complete). */
  forget(fw: FrameworkEntry, task: TaskEntry): void {
    if (fw.tasks.get(task.id) === task && fw.tasks.delete(task.id)) this.tally.remove(task.state);
  }

  /** No longer live, and kept among the framework's completed tasks (bounded, as Mesos's --max_completed_tasks_per_framework). */
  complete(fw: FrameworkEntry, task: TaskEntry): void {
    this.forget(fw, task);
    fw.completed.push(task);
    if (fw.completed.length > this.maxCompletedPerFramework) fw.completed.shift();
  }
}

/** The role a task's resources were allocated in (its allocation_info), if it says. */
export function taskRole(task: TaskEntry): string | undefined {
  for (const r of task.info.resources ?? []) if (r.allocationInfo?.role) return r.allocationInfo.role;
  return undefined;
}
