import type { Call__Output, TaskStateName } from '@strata/proto';
import type { FrameworkEntry, TaskEntry } from '../registry';
import type { MasterContext } from '../master-context';

/** KILL, ACKNOWLEDGE and RECONCILE: a framework asking about or acting on its tasks. */
export class TaskCalls {
  constructor(private readonly ctx: MasterContext) {}

  kill(fw: FrameworkEntry, call: Call__Output): void {
    const { messages, agents, log } = this.ctx;
    const taskId = call.kill?.taskId?.value;
    if (!taskId) return messages.error(fw, "Expecting 'kill.task_id' to be present");
    const task = fw.tasks.get(taskId);
    // As Mesos: a kill of a task this master does not know is answered as its reconciliation would be
    // (nothing yet while its agent may still bring it back after a failover, TASK_UNKNOWN or
    // TASK_UNREACHABLE to a partition-aware framework, TASK_LOST to an older one).
    // A task that has just ended needs no answer: its terminal update is the framework's already,
    // and a second terminal state (Mesos would say TASK_GONE here) would contradict it.
    if (!task) {
      if (fw.completed.some((t) => t.id === taskId)) return;
      return this.unknownTask(fw, taskId, call.kill?.agentId?.value ?? '', 'Attempted to kill an unknown task');
    }
    const agent = agents.get(task.agentId);
    if (!agent?.outbox) {
      log.warn({ frameworkId: fw.id, taskId, agentId: task.agentId }, 'kill deferred: agent not connected');
      return;
    }
    agent.outbox.send({ killTask: { frameworkId: { value: fw.id }, taskId: { value: taskId }, killPolicy: call.kill?.killPolicy ?? task.info.killPolicy } });
  }

  /** The framework acknowledges a reliable update: the ack goes to the agent that retries it. */
  acknowledge(fw: FrameworkEntry, call: Call__Output): void {
    const { messages, agents } = this.ctx;
    const ack = call.acknowledge;
    const agentId = ack?.agentId?.value ?? '';
    const taskId = ack?.taskId?.value ?? '';
    if (!ack || !agentId || !taskId || ack.uuid.length === 0) return messages.error(fw, "Expecting 'acknowledge' with agent_id, task_id and uuid");
    const agent = agents.get(agentId);
    if (!agent) return messages.error(fw, `Cannot acknowledge status update for task '${taskId}': agent '${agentId}' is unknown`);
    agent.outbox?.send({ statusUpdateAck: { frameworkId: { value: fw.id }, taskId: { value: taskId }, uuid: ack.uuid } });
  }

  /** Mesos's reconciliation: explicit (latest state per named task) or implicit (every known task). */
  reconcile(fw: FrameworkEntry, call: Call__Output): void {
    const wanted = call.reconcile?.tasks ?? [];
    const send = (t: TaskEntry) => fw.outbox?.send({ type: 'UPDATE', update: { status: { ...t.latest, reason: 'REASON_RECONCILIATION', uuid: undefined, message: 'Reconciliation: Latest task state' } } });
    if (wanted.length === 0) {
      for (const t of fw.tasks.values()) send(t);
      return;
    }
    for (const w of wanted) {
      const taskId = w.taskId?.value ?? '';
      const known = fw.tasks.get(taskId) ?? fw.completed.find((t) => t.id === taskId);
      if (known) {
        send(known);
        continue;
      }
      this.unknownTask(fw, taskId, w.agentId?.value ?? '', 'Reconciliation: Task is unknown');
    }
  }

  /** Mesos's answer about a task the master does not know, on the agent the framework names (if any). */
  private unknownTask(fw: FrameworkEntry, taskId: string, agentId: string, message: string): void {
    const agent = agentId ? this.ctx.agents.get(agentId) : undefined;
    // An admitted agent that may still bring it back: no answer yet (Mesos case 2). Once it
    // has been given up on (unreachable), the answer is TASK_UNREACHABLE.
    if (agent?.recovered && agent.unreachableAt === undefined) return;
    const state: TaskStateName = !agent ? 'TASK_UNKNOWN' : agent.unreachableAt !== undefined ? 'TASK_UNREACHABLE' : 'TASK_GONE';
    this.ctx.messages.update(fw, taskId, agentId, fw.partitionAware ? state : 'TASK_LOST', 'REASON_RECONCILIATION', message);
  }
}
