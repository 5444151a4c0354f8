import type { Logger } from '@strata/lib';
import type { ReasonName, TaskStateName, TaskStatus } from '@strata/proto';
import type { FrameworkEntry } from '../registry';

/** What a framework is told by the master itself: task updates it generates and call errors. */
export class FrameworkMessages {
  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /** Master-generated updates are not reliable: no uuid, no acknowledgement (Mesos §3.1). */
  update(fw: FrameworkEntry, taskId: string, agentId: string, state: TaskStateName, reason: ReasonName, message: string): void {
    this.log.debug({ frameworkId: fw.id, taskId, agentId, state, reason, message }, 'master status update');
    const status: TaskStatus = {
      taskId: { value: taskId },
      state,
      reason,
      message,
      source: 'SOURCE_MASTER',
      timestamp: this.now() / 1000,
      ...(agentId ? { agentId: { value: agentId } } : {}),
    };
    fw.outbox?.send({ type: 'UPDATE', update: { status } });
  }

  /** Problems with a call are an ERROR event; the stream stays open. */
  error(fw: FrameworkEntry, message: string): void {
    this.log.warn({ frameworkId: fw.id }, message);
    fw.outbox?.send({ type: 'ERROR', error: { message } });
  }
}
