import { isTerminalState, type StatusUpdate__Output } from '@strata/proto';
import { taskKey, type FrameworkEntry, type TaskEntry } from '../registry';
import type { MasterContext } from '../master-context';
import { taskRole } from './task-book';

const MAX_STATUSES = 100;

/** Status updates from agents: the task book moves, the framework is told, resources come back on a terminal state. */
export class StatusUpdates {
  constructor(private readonly ctx: MasterContext) {}

  receive(agentId: string, update: StatusUpdate__Output): void {
    const { metrics, frameworks, tasks, agents } = this.ctx;
    const status = update.status;
    const fwId = update.frameworkId?.value ?? '';
    const taskId = status?.taskId?.value ?? '';
    if (!status || !fwId || !taskId) return;
    metrics.statusUpdates.inc({ state: status.state });
    const fw = frameworks.get(fwId);
    const task = fw?.tasks.get(taskId);
    // The decoded status itself goes on to the framework (a spread copy encodes slowly).
    status.agentId = { value: agentId };
    if (fw && task) {
      if (task.state !== status.state) tasks.setState(task, status.state, status.timestamp);
      // A health change is a status of its own in /state (Mesos lists every update with its `healthy`).
      else if (status.healthy !== undefined && status.healthy !== task.latest.healthy) {
        task.statuses.push({ state: status.state, timestamp: status.timestamp, healthy: status.healthy });
        // A task that flaps for days keeps its first status and the latest ones, not every flap.
        if (task.statuses.length > MAX_STATUSES) task.statuses.splice(1, task.statuses.length - MAX_STATUSES);
      }
      task.latest = { ...status, uuid: undefined };
      if (isTerminalState(status.state)) this.finish(fw, task);
    }
    if (fw?.outbox) {
      fw.outbox.send({ type: 'UPDATE', update: { status } });
    } else if (!fw && !frameworks.isKnown(fwId) && status.uuid.length) {
      // Nobody will ever acknowledge this: the framework is gone. Ack on its behalf so the agent stops retrying.
      agents.get(agentId)?.outbox?.send({ statusUpdateAck: { frameworkId: { value: fwId }, taskId: { value: taskId }, uuid: status.uuid } });
    }
  }

  /** Releases a task's resources on its terminal update (not on the ack), as Mesos does. */
  private finish(fw: FrameworkEntry, task: TaskEntry): void {
    const { tasks, agents, allocator, allocation } = this.ctx;
    tasks.complete(fw, task);
    agents.get(task.agentId)?.tasks.delete(taskKey(fw.id, task.id));
    allocator.recover(fw.id, task.agentId, task.resources, undefined, taskRole(task));
    allocation.schedule();
  }
}
