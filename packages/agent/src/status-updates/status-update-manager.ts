import { randomUUID } from 'node:crypto';
import { backoffDelay, type BackoffPolicy } from '@strata/lib';
import type { StatusUpdate, TaskStatus } from '@strata/proto';

interface Stream {
  frameworkId: string;
  taskId: string;
  pending: StatusUpdate[];
  attempt: number;
  timer?: NodeJS.Timeout;
}

/** Mesos's STATUS_UPDATE_RETRY_INTERVAL_MIN/MAX: 10 s doubling to 10 min. */
export const DEFAULT_RETRY: BackoffPolicy = { initialMs: 10_000, factor: 2, maxMs: 600_000 };

/**
 * Reliable status updates, per (framework, task) stream as in Mesos's task_status_update_manager:
 * one update in flight per task, the next sent only once the head is acknowledged, the head
 * resent with backoff until then and all heads resent at once when the master link comes back.
 */
export class StatusUpdateManager {
  private readonly streams = new Map<string, Stream>();

  constructor(
    private readonly send: (update: StatusUpdate) => boolean,
    private readonly retry: BackoffPolicy = DEFAULT_RETRY,
    /** Durable record of updates and acks: an update is persisted before it is first sent. */
    private readonly persist?: { update(u: StatusUpdate): void; ack(frameworkId: string, taskId: string, uuid: Uint8Array): void },
  ) {}

  /** Puts back updates recovered from the checkpoint (already persisted), without sending them yet. */
  restore(updates: StatusUpdate[]): void {
    for (const u of updates) {
      const frameworkId = u.frameworkId?.value ?? '';
      const taskId = u.status?.taskId?.value ?? '';
      const key = `${frameworkId}/${taskId}`;
      let s = this.streams.get(key);
      if (!s) this.streams.set(key, (s = { frameworkId, taskId, pending: [], attempt: 0 }));
      s.pending.push(u);
    }
  }

  /** Queues an update (a uuid is assigned here) and sends it if it is the task's head. */
  enqueue(frameworkId: string, status: TaskStatus): StatusUpdate {
    const key = `${frameworkId}/${status.taskId?.value}`;
    let s = this.streams.get(key);
    if (!s) this.streams.set(key, (s = { frameworkId, taskId: status.taskId?.value ?? '', pending: [], attempt: 0 }));
    const uuid = Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
    const update: StatusUpdate = { frameworkId: { value: frameworkId }, status: { ...status, uuid } };
    this.persist?.update(update);
    s.pending.push(update);
    if (s.pending.length === 1) this.sendHead(s);
    return update;
  }

  /** Pops the head if `uuid` matches it; a duplicate or stale ack is ignored. Returns true if it matched. */
  acknowledge(frameworkId: string, taskId: string, uuid: Uint8Array): boolean {
    const key = `${frameworkId}/${taskId}`;
    const s = this.streams.get(key);
    const head = s?.pending[0];
    if (!s || !head || !Buffer.from(head.status!.uuid as Uint8Array).equals(Buffer.from(uuid))) return false;
    s.pending.shift();
    this.persist?.ack(frameworkId, taskId, uuid);
    if (s.timer) clearTimeout(s.timer);
    s.timer = undefined;
    s.attempt = 0;
    if (s.pending.length) this.sendHead(s);
    else this.streams.delete(key);
    return true;
  }

  /** Sends every stream's head again (after the link to the master came back), or only one framework's. */
  resendAll(frameworkId?: string): void {
    for (const s of this.streams.values()) {
      if (frameworkId !== undefined && s.frameworkId !== frameworkId) continue;
      if (s.timer) clearTimeout(s.timer);
      s.attempt = 0;
      this.sendHead(s);
    }
  }

  /** Unacknowledged updates of a task, oldest first. */
  pendingFor(frameworkId: string, taskId: string): StatusUpdate[] {
    return [...(this.streams.get(`${frameworkId}/${taskId}`)?.pending ?? [])];
  }

  get pendingCount(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.pending.length;
    return n;
  }

  stop(): void {
    for (const s of this.streams.values()) if (s.timer) clearTimeout(s.timer);
  }

  /** Drops every pending update (the master forgot this agent; nobody will ever ack them). */
  clear(): void {
    this.stop();
    this.streams.clear();
  }

  private sendHead(s: Stream): void {
    const head = s.pending[0];
    if (!head) return;
    this.send(head);
    const delay = backoffDelay(this.retry, s.attempt++);
    s.timer = setTimeout(() => this.sendHead(s), delay);
    s.timer.unref();
  }
}
