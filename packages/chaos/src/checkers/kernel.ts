import { observations, operations, type HistoryEntry, type Operation } from '../history/history';
import { verdict, type CheckerVerdict, type Violation } from './verdict';

/** task-launch {taskId, agentId, cpus, mem}; task-kill {taskId}. */
export interface TaskOpValue {
  taskId: string;
  agentId?: string;
  cpus?: number;
  mem?: number;
}

/** A status update as the framework received it ('task-update' observations, in receipt order). */
export interface UpdateSeen {
  taskId: string;
  state: string;
  reason?: string;
  agentId?: string;
}

/** One read of an agent's /state ('agent-state' observations); reads of one sweep over the agents share `round`. */
export interface AgentReading {
  round: number;
  agentId: string;
  cpus: number;
  mem: number;
  tasks: { taskId: string; frameworkId: string; state: string; cpus: number; mem: number }[];
}

/** The framework's last reconciliation after healing ('kernel-final'): task id -> state the master reports. */
export interface KernelFinal {
  tasks: Record<string, string>;
}

/** Mesos's terminal states: TASK_UNKNOWN (the master does not know it now) and TASK_UNREACHABLE are not, the task may show up again. */
const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR']);
/** Where a state sits in a task's life: updates must not go back (UNREACHABLE, UNKNOWN and RUNNING may alternate: the agent came back). */
const RANK: Record<string, number> = { TASK_STAGING: 0, TASK_STARTING: 1, TASK_RUNNING: 2, TASK_UNREACHABLE: 2, TASK_UNKNOWN: 2, TASK_KILLING: 2 };
const rank = (s: string) => (TERMINAL.has(s) ? 3 : RANK[s] ?? 2);
const EPS = 1e-6;

/**
 * The kernel under faults: every launched task ends terminal or is running; no task id runs on two
 * agents at once; no agent ever holds more than it has; every task's updates reach its framework in
 * order, nothing after the terminal one but duplicates of it, and no gap (a task that finished, or
 * that an agent showed running, was reported TASK_RUNNING first).
 */
export function checkKernel(entries: readonly HistoryEntry[]): CheckerVerdict {
  const violations: Violation[] = [];
  const launches = operations(entries).filter((o) => o.client === 'kernel' && o.f === 'task-launch' && o.outcome !== 'fail') as Operation<TaskOpValue>[];
  const updates = observations<UpdateSeen>(entries, 'task-update');
  const agents = observations<AgentReading>(entries, 'agent-state');
  const final = observations<KernelFinal>(entries, 'kernel-final').at(-1);

  const byTask = new Map<string, { state: string; index: number }[]>();
  for (const u of updates) {
    const list = byTask.get(u.value.taskId) ?? [];
    list.push({ state: u.value.state, index: u.index });
    byTask.set(u.value.taskId, list);
  }
  const launched = new Map(launches.map((l) => [l.value.taskId, l]));

  // Order and gaps.
  let duplicates = 0;
  for (const [taskId, seq] of byTask) {
    let last: string | undefined;
    let sawRunning = false;
    for (const u of seq) {
      if (last !== undefined && TERMINAL.has(last)) {
        if (u.state === last) { duplicates++; continue; }
        violations.push({ kind: 'update-after-terminal', subject: taskId, observation: u.index, message: `${taskId}: ${u.state} arrived after its terminal ${last}` });
        break;
      }
      if (last !== undefined && rank(u.state) < rank(last)) {
        violations.push({ kind: 'update-out-of-order', subject: taskId, observation: u.index, message: `${taskId}: ${u.state} arrived after ${last}` });
        break;
      }
      if (u.state === last) duplicates++;
      if (u.state === 'TASK_RUNNING') sawRunning = true;
      if (u.state === 'TASK_FINISHED' && !sawRunning) {
        violations.push({ kind: 'update-gap', subject: taskId, observation: u.index, op: launched.get(taskId)?.index, message: `${taskId} finished but its framework never got TASK_RUNNING` });
      }
      last = u.state;
    }
  }

  // Agent reads: capacity, and one agent per task id at a time.
  const rounds = new Map<number, Map<string, string>>();
  let agentReads = 0;
  const gapReported = new Set<string>();
  for (const a of agents) {
    agentReads++;
    const live = a.value.tasks.filter((t) => !TERMINAL.has(t.state));
    const cpus = live.reduce((s, t) => s + t.cpus, 0);
    const mem = live.reduce((s, t) => s + t.mem, 0);
    if (cpus > a.value.cpus + EPS || mem > a.value.mem + EPS) {
      violations.push({ kind: 'agent-overcommitted', subject: a.value.agentId, observation: a.index, message: `agent ${a.value.agentId} ran tasks using cpus ${cpus.toFixed(2)}, mem ${mem} of its cpus ${a.value.cpus}, mem ${a.value.mem}` });
    }
    const where = rounds.get(a.value.round) ?? new Map<string, string>();
    rounds.set(a.value.round, where);
    for (const t of live) {
      const other = where.get(t.taskId);
      if (other !== undefined && other !== a.value.agentId) {
        violations.push({ kind: 'task-twice', subject: t.taskId, observation: a.index, op: launched.get(t.taskId)?.index, message: `${t.taskId} ran on agents ${other} and ${a.value.agentId} at once (read round ${a.value.round})` });
      }
      where.set(t.taskId, a.value.agentId);
      if (launched.has(t.taskId) && !gapReported.has(t.taskId) && !byTask.get(t.taskId)?.some((u) => u.state === 'TASK_RUNNING')) {
        gapReported.add(t.taskId);
        violations.push({ kind: 'update-gap', subject: t.taskId, observation: a.index, op: launched.get(t.taskId)!.index, message: `agent ${a.value.agentId} ran ${t.taskId} but its framework never got TASK_RUNNING` });
      }
    }
  }

  // Every launched task accounted for at the end.
  if (!final) violations.push({ kind: 'no-final-read', message: 'the run has no final reconciliation of the kernel workload' });
  else {
    for (const [taskId, op] of launched) {
      const seq = byTask.get(taskId) ?? [];
      const lastSeen = seq.at(-1)?.state;
      const master = final.value.tasks[taskId];
      if (seq.some((u) => TERMINAL.has(u.state))) continue; // ended (anything after is reported above)
      if (lastSeen === 'TASK_RUNNING' && master === 'TASK_RUNNING') continue;
      if (!lastSeen && op.outcome === 'info' && (master === undefined || TERMINAL.has(master))) continue; // a launch that may never have left
      violations.push({
        kind: 'task-unaccounted',
        subject: taskId,
        op: op.index,
        observation: final.index,
        message: `${taskId} (launched at #${op.index}) ended the run with ${lastSeen ? `last update ${lastSeen}` : 'no update at all'} and the master says ${master ?? 'nothing'}`,
      });
    }
  }
  return verdict('kernel', { tasks_launched: launched.size, updates: updates.length, duplicate_updates: duplicates, agent_reads: agentReads, read_rounds: rounds.size }, violations);
}
