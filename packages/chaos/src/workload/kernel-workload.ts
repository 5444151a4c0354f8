import { SchedulerDriver, taskInfo } from '@strata/sdk';
import type { Offer__Output, TaskStatus__Output } from '@strata/proto';
import type { AgentReading, KernelFinal, TaskOpValue, UpdateSeen } from '../checkers/kernel';
import type { History } from '../history/history';
import type { Random } from '../random';
import { call } from './http';

export interface KernelWorkloadOptions {
  master: string;
  /** Agent HTTP bases (http://host:5051), read each round for the checker's capacity and twice-running rules. */
  agents: () => string[];
  /** The leading master's HTTP base, for the final read. */
  leaderBase: () => Promise<string | undefined>;
  /** Tasks kept in flight. */
  tasks: number;
  history: History;
  random: Random;
  sleep: (ms: number) => Promise<void>;
}

/** Mesos's terminal states (TASK_UNKNOWN and TASK_UNREACHABLE are not: the task may still show up). */
const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR']);

/**
 * Raw framework tasks through the SDK, as a Mesos framework would run them: a partition-aware
 * framework keeps `tasks` short tasks in flight, kills some, and records every status update it
 * receives in order. A reader sweeps the agents' /state in rounds.
 */
export class KernelWorkload {
  private driver?: SchedulerDriver;
  private stopped = false;
  private next = 0;
  /** Task id -> last state the framework heard (a launch not yet heard of: 'LAUNCHED'). */
  private readonly live = new Map<string, string>();
  /** Task id -> its agent, named in kills (the master answers a kill of a task it does not know yet by its agent's state). */
  private readonly agentOf = new Map<string, string>();

  constructor(private readonly opts: KernelWorkloadOptions) {}

  async start(): Promise<void> {
    const { history } = this.opts;
    const d = new SchedulerDriver({
      master: this.opts.master,
      framework: { name: 'chaos-kernel', user: 'root', roles: ['*'], failoverTimeout: 3_600, capabilities: [{ type: 'PARTITION_AWARE' }, { type: 'MULTI_ROLE' }] },
    });
    this.driver = d;
    d.on('offers', (offers) => this.offers(offers));
    d.on('update', (st: TaskStatus__Output) => {
      const taskId = st.taskId?.value ?? '';
      history.observe<UpdateSeen>('task-update', 'chaos-kernel', { taskId, state: st.state, ...(st.reason ? { reason: st.reason } : {}), agentId: st.agentId?.value });
      if (TERMINAL.has(st.state)) {
        this.live.delete(taskId);
        this.agentOf.delete(taskId);
      } else if (this.live.has(taskId)) this.live.set(taskId, st.state);
    });
    await d.subscribe(60_000);
  }

  private offers(offers: Offer__Output[]): void {
    const d = this.driver!;
    const { history, random } = this.opts;
    for (const o of offers) {
      if (this.stopped || this.live.size >= this.opts.tasks) {
        d.decline([o.id!.value], { refuseSeconds: 1 });
        continue;
      }
      const id = `chaos-task-${this.next++}`;
      const seconds = random.int(2, 8);
      const value: TaskOpValue = { taskId: id, agentId: o.agentId?.value, cpus: 0.1, mem: 16 };
      const op = history.invoke('kernel', 'task-launch', value);
      d.launch([o.id!.value], [taskInfo(o, { id, command: `sleep ${seconds}`, cpus: 0.1, mem: 16 })], { refuseSeconds: 1 });
      // Sent is not done: the accept may die with a master. Its updates tell.
      history.complete(op, 'info');
      this.live.set(id, 'LAUNCHED');
      this.agentOf.set(id, o.agentId?.value ?? '');
    }
  }

  /** Kills a random running task now and then, and sweeps the agents every `readMs`. */
  async run(readMs: number): Promise<void> {
    const { random, history, sleep } = this.opts;
    for (let round = 1; !this.stopped; round++) {
      const running = [...this.live].filter(([, s]) => s === 'TASK_RUNNING').map(([id]) => id);
      if (running.length && random.next() < 0.3) {
        const taskId = random.pick(running);
        const op = history.invoke('kernel', 'task-kill', { taskId } satisfies TaskOpValue);
        this.driver?.kill(taskId, this.agentOf.get(taskId));
        history.complete(op, 'info');
      }
      await this.sweep(round);
      await sleep(readMs);
    }
  }

  private async sweep(round: number): Promise<void> {
    await Promise.all(this.opts.agents().map(async (base) => {
      const at = Date.now();
      const r = await call(base, 'GET', '/state', undefined, 3_000).catch(() => undefined);
      if (r?.status !== 200 || !r.body?.id) return;
      const tasks: AgentReading['tasks'] = [];
      for (const fw of r.body.frameworks ?? []) for (const ex of fw.executors ?? []) for (const t of ex.tasks ?? []) {
        tasks.push({ taskId: String(t.id), frameworkId: String(fw.id), state: String(t.state), cpus: Number(t.resources?.cpus ?? 0), mem: Number(t.resources?.mem ?? 0) });
      }
      this.opts.history.observe<AgentReading>('agent-state', base, { round, agentId: String(r.body.id), cpus: Number(r.body.resources?.cpus ?? 0), mem: Number(r.body.resources?.mem ?? 0), tasks }, at);
    }));
  }

  /** Stops launching; waits (up to `timeoutMs`) for every task to end or be heard running, then reads the master's view. */
  async finalRead(timeoutMs: number): Promise<void> {
    this.stopped = true;
    const deadline = Date.now() + timeoutMs;
    this.driver?.reconcile([]);
    while (Date.now() < deadline && [...this.live.values()].some((s) => s !== 'TASK_RUNNING')) await this.opts.sleep(500);
    const base = await this.opts.leaderBase();
    const tasks: KernelFinal['tasks'] = {};
    const r = base ? await call(base, 'GET', '/master/state', undefined, 10_000).catch(() => undefined) : undefined;
    for (const fw of r?.body?.frameworks ?? []) {
      if (fw.id !== this.driver?.frameworkId) continue;
      for (const t of [...(fw.completed_tasks ?? []), ...(fw.unreachable_tasks ?? []), ...(fw.tasks ?? [])]) tasks[String(t.id)] = String(t.state);
    }
    this.opts.history.observe<KernelFinal>('kernel-final', 'master', { tasks });
  }

  close(): void {
    this.stopped = true;
    this.driver?.close();
  }
}
