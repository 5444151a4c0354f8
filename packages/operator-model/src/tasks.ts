/**
 * What the Tasks views show, from the master's and an agent's state: pure functions, no DOM.
 */

export interface MasterTask {
  id: string;
  name: string;
  framework_id?: string;
  slave_id: string;
  state: string;
  message?: string;
  resources?: Record<string, number | string>;
  statuses?: { state: string; timestamp: number; healthy?: boolean }[];
}

export interface TaskState {
  slaves: { id: string; hostname: string }[];
  frameworks: { id: string; name: string; tasks: MasterTask[]; completed_tasks?: MasterTask[] }[];
}

export interface TaskRow extends MasterTask {
  framework: string;
  host: string;
  active: boolean;
}

/** Mesos's terminal states: a task in one is done. */
const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR']);
export const isTerminal = (state: string) => TERMINAL.has(state);

/**
 * Every task the master knows, active first then completed, filtered by a text (id, name, state,
 * framework or host, any case) and by whether completed ones are wanted.
 */
export function taskRows(state: TaskState, filter: { text?: string; completed?: boolean } = {}): TaskRow[] {
  const host = new Map(state.slaves.map((a) => [a.id, a.hostname]));
  const text = (filter.text ?? '').trim().toLowerCase();
  const rows: TaskRow[] = [];
  for (const f of state.frameworks) {
    const all = [...f.tasks.map((t) => ({ t, done: false })), ...(filter.completed ? (f.completed_tasks ?? []).map((t) => ({ t, done: true })) : [])];
    for (const { t, done } of all) {
      const row = { ...t, framework: f.name, host: host.get(t.slave_id) ?? t.slave_id, active: !done && !isTerminal(t.state) };
      if (text && ![row.id, row.name, row.state, row.framework, row.host].some((v) => v.toLowerCase().includes(text))) continue;
      rows.push(row);
    }
  }
  return rows.sort((a, b) => Number(b.active) - Number(a.active) || a.id.localeCompare(b.id));
}

/** A task by its id, or else by an unambiguous prefix of it (as `strata task logs web_api.1` takes it); none or several is an error saying so. */
export function taskByIdOrPrefix<T extends { id: string }>(tasks: readonly T[], id: string): T {
  const exact = tasks.find((t) => t.id === id);
  const matches = exact ? [exact] : tasks.filter((t) => t.id.startsWith(id));
  if (matches.length === 1) return matches[0]!;
  throw new Error(matches.length ? `'${id}' matches ${matches.length} tasks; give more of the id` : `no task '${id}' is known to the master`);
}

export const findTask = (state: TaskState, id: string): TaskRow | undefined => taskRows(state, { completed: true }).find((t) => t.id === id);

/** An agent's /state, as far as the task page needs it. */
interface AgentExecutor {
  id: string;
  directory: string;
  tasks?: { id: string }[];
  completed_tasks?: { id: string }[];
}
export interface AgentState {
  frameworks?: { id: string; executors?: AgentExecutor[]; completed_executors?: AgentExecutor[] }[];
  completed_frameworks?: AgentState['frameworks'];
}

/**
 * The sandbox directory of a task on its agent (what `/files/browse` and `/files/read` take):
 * a running task's executor, else a finished one the agent still lists (`completed_executors`).
 */
export function sandboxOf(agent: AgentState, taskId: string): string | undefined {
  for (const f of [...(agent.frameworks ?? []), ...(agent.completed_frameworks ?? [])])
    for (const e of [...(f.executors ?? []), ...(f.completed_executors ?? [])]) if (e.id === taskId || [...(e.tasks ?? []), ...(e.completed_tasks ?? [])].some((t) => t.id === taskId)) return e.directory;
  return undefined;
}

/**
 * Appends what a `/files/read` answered at `offset` to what was read so far, keeping at most
 * `keep` characters (the head of a long log is dropped, as a terminal scrolls). Returns the text
 * and the offset to ask for next; an answer for another offset (a stale one) changes nothing.
 */
export function appendRead(prev: { text: string; offset: number }, answer: { data: string; offset: number }, keep = 200_000): { text: string; offset: number } {
  if (answer.offset !== prev.offset || !answer.data) return prev;
  const text = prev.text + answer.data;
  return { text: text.length > keep ? text.slice(text.length - keep) : text, offset: prev.offset + new TextEncoder().encode(answer.data).length };
}

/** The states that mean a task went wrong (a kill or a finish is not a failure). */
const FAILING = new Set(['TASK_FAILED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE', 'TASK_UNREACHABLE']);

/** When a task last changed state (its newest status), in seconds; 0 when unknown. */
const lastChange = (t: MasterTask) => Math.max(0, ...(t.statuses ?? []).map((s) => s.timestamp));

/**
 * The dashboard's failing tasks: those that failed, errored or were lost, newest first, at
 * most `limit` — what an operator looks at first when something is wrong.
 */
export function failingTasks(state: TaskState, limit = 5): TaskRow[] {
  return taskRows(state, { completed: true })
    .filter((t) => FAILING.has(t.state))
    .sort((a, b) => lastChange(b) - lastChange(a) || a.id.localeCompare(b.id))
    .slice(0, limit);
}

/** A task's health as its statuses tell it: the newest status that carries `healthy`, if any. */
export function healthOf(t: MasterTask): { healthy: boolean; at: number } | undefined {
  const checked = (t.statuses ?? []).filter((s) => typeof s.healthy === 'boolean').sort((a, b) => b.timestamp - a.timestamp);
  return checked[0] ? { healthy: checked[0].healthy!, at: checked[0].timestamp } : undefined;
}
