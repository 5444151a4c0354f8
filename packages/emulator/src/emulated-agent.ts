import { randomUUID } from 'node:crypto';
import { statusUpdateAcksOf, type AgentMessage, type FrameworkInfo__Output, type MasterMessage__Output, type TaskInfo, type TaskInfo__Output, type TaskState, type TaskStatus } from '@strata/proto';

/** What an emulated agent needs from its pool: a way to send, a clock, and a place to park completions. */
export interface AgentHost {
  send(agent: EmulatedAgent, msg: AgentMessage): void;
  now(): number;
  /** Calls agent.complete(taskKey) at `atMs` (the pool keeps one timer for all agents). */
  completeAt(agent: EmulatedAgent, taskKey: string, atMs: number): void;
  /** A launch arrived: for the pool's counters. */
  launched(count: number): void;
}

interface PendingUpdate {
  frameworkId: string;
  status: TaskStatus & { uuid: Buffer };
  sentAt: number;
}

interface EmulatedTask {
  frameworkId: string;
  taskId: string;
  /** What reregistration reports (name and resources: what the master accounts), not the whole TaskInfo. */
  info: TaskInfo;
  state: TaskState;
  /** Updates not yet acknowledged, oldest first: only the head is in flight, as on a real agent. */
  pending: PendingUpdate[];
  terminal: boolean;
}

/** Label a task may carry to say how long it "runs" (ms); otherwise the pool's default. */
export const DURATION_LABEL = 'strata.emulator/duration_ms';

/**
 * One agent as the master sees it, with no processes behind it: a launch is answered with
 * TASK_RUNNING at once and TASK_FINISHED when its time is up, a kill with TASK_KILLED, a ping
 * with a pong. Status updates follow the real agent's rule: one in flight per task, the next sent
 * when the master acknowledges it, resent if unacknowledged. Only the kernel's cost is left to
 * measure, the method of the Mesos paper's emulated-slave experiments.
 */
export class EmulatedAgent {
  id = '';
  private readonly tasks = new Map<string, EmulatedTask>();
  private readonly frameworks = new Map<string, FrameworkInfo__Output>();

  constructor(
    readonly index: number,
    private readonly host: AgentHost,
    private readonly defaultDurationMs: number,
  ) {}

  get taskCount(): number {
    return this.tasks.size;
  }

  onMessage(m: MasterMessage__Output): void {
    switch (m.msg) {
      case 'heartbeat':
        this.host.send(this, { heartbeat: { sentAt: m.heartbeat?.sentAt ?? 0 } });
        return;
      case 'launchTasks': {
        const fwId = m.launchTasks?.frameworkInfo?.id?.value ?? '';
        if (m.launchTasks?.frameworkInfo && !this.frameworks.has(fwId)) this.frameworks.set(fwId, m.launchTasks.frameworkInfo);
        const infos = m.launchTasks?.tasks ?? [];
        this.host.launched(infos.length);
        for (const info of infos) this.launch(fwId, info);
        return;
      }
      case 'killTask': {
        const key = taskKey(m.killTask?.frameworkId?.value ?? '', m.killTask?.taskId?.value ?? '');
        const t = this.tasks.get(key);
        if (t && !t.terminal) this.report(t, 'TASK_KILLED', 'killed');
        return;
      }
      case 'statusUpdateAck':
      case 'statusUpdateAcks':
        for (const a of statusUpdateAcksOf(m)) this.acknowledge(taskKey(a.frameworkId?.value ?? '', a.taskId?.value ?? ''), Buffer.from(a.uuid));
        return;
      case 'shutdownFramework': {
        const fwId = m.shutdownFramework?.frameworkId?.value ?? '';
        for (const [key, t] of this.tasks) if (t.frameworkId === fwId) this.tasks.delete(key);
        this.frameworks.delete(fwId);
        return;
      }
      case 'frameworkReconnected':
        this.resendAll();
        return;
    }
  }

  /** What a reregistration carries besides the agent info: its live tasks and their frameworks (as the real agent's). */
  reregistration(): { tasks: { taskInfo: TaskInfo; frameworkId: { value: string }; state: TaskState }[]; frameworks: FrameworkInfo__Output[] } {
    const tasks = [];
    for (const t of this.tasks.values()) if (!t.terminal || t.pending.length) tasks.push({ taskInfo: t.info, frameworkId: { value: t.frameworkId }, state: t.state });
    return { tasks, frameworks: [...this.frameworks.values()] };
  }

  /** The task's time is up. */
  complete(key: string): void {
    const t = this.tasks.get(key);
    if (t && !t.terminal) this.report(t, 'TASK_FINISHED', 'done');
  }

  /** Sends again every in-flight update older than `olderThanMs` (the master lost it, or the framework has not acked yet). */
  retry(olderThanMs: number): void {
    const now = this.host.now();
    for (const t of this.tasks.values()) {
      const head = t.pending[0];
      if (head && now - head.sentAt >= olderThanMs) this.sendHead(t);
    }
  }

  resendAll(): void {
    for (const t of this.tasks.values()) if (t.pending.length) this.sendHead(t);
  }

  private launch(frameworkId: string, info: TaskInfo__Output): void {
    const taskId = info.taskId?.value ?? '';
    const key = taskKey(frameworkId, taskId);
    if (this.tasks.has(key)) return;
    const t: EmulatedTask = { frameworkId, taskId, info: { name: info.name, taskId: { value: taskId }, agentId: { value: this.id }, resources: info.resources }, state: 'TASK_STAGING', pending: [], terminal: false };
    this.tasks.set(key, t);
    this.report(t, 'TASK_RUNNING', 'running');
    const label = info.labels?.labels.find((l) => l.key === DURATION_LABEL)?.value;
    const duration = label !== undefined && Number.isFinite(Number(label)) ? Number(label) : this.defaultDurationMs;
    this.host.completeAt(this, key, this.host.now() + duration);
  }

  private report(t: EmulatedTask, state: TaskState, message: string): void {
    t.state = state;
    if (state !== 'TASK_RUNNING') t.terminal = true;
    const status = {
      taskId: { value: t.taskId },
      state,
      message,
      source: 'SOURCE_EXECUTOR' as const,
      agentId: { value: this.id },
      timestamp: this.host.now() / 1000,
      uuid: Buffer.from(randomUUID().replace(/-/g, ''), 'hex'),
    };
    t.pending.push({ frameworkId: t.frameworkId, status, sentAt: 0 });
    if (t.pending.length === 1) this.sendHead(t);
  }

  private sendHead(t: EmulatedTask): void {
    const head = t.pending[0]!;
    head.sentAt = this.host.now();
    this.host.send(this, { statusUpdate: { frameworkId: { value: head.frameworkId }, status: head.status } });
  }

  private acknowledge(key: string, uuid: Buffer): void {
    const t = this.tasks.get(key);
    const head = t?.pending[0];
    if (!t || !head || !head.status.uuid.equals(uuid)) return;
    t.pending.shift();
    if (t.pending.length) this.sendHead(t);
    else if (t.terminal) this.tasks.delete(key);
  }
}

const taskKey = (frameworkId: string, taskId: string) => `${frameworkId}\u0000${taskId}`;
