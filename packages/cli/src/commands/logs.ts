import { fetchState, type StateTask } from '../master-api';
import { FileFollower, addressOf, sandboxFile } from './task-files';

const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR']);

async function findTask(master: string, taskId: string): Promise<{ task: StateTask; agent: string }> {
  const state = await fetchState(master);
  const all = [...state.frameworks, ...state.completed_frameworks].flatMap((fw) => [...fw.tasks, ...fw.completed_tasks]);
  const matches = all.filter((t) => t.id === taskId || t.id.startsWith(taskId));
  const exact = matches.find((t) => t.id === taskId);
  const task = exact ?? (matches.length === 1 ? matches[0] : undefined);
  if (!task) throw new Error(matches.length ? `'${taskId}' matches ${matches.length} tasks; give more of the id` : `no task '${taskId}' is known to the master`);
  const slave = state.slaves.find((s) => s.id === task.slave_id);
  if (!slave) throw new Error(`the agent of task '${task.id}' (${task.slave_id}) is no longer known`);
  return { task, agent: addressOf(slave) };
}

/** `strata logs`: a task's stdout or stderr through the agent's /files/read, optionally followed until the task ends. */
export async function logsCommand(taskId: string, opts: { master: string; stderr?: boolean; follow?: boolean }): Promise<void> {
  const { task, agent } = await findTask(opts.master, taskId);
  const follower = new FileFollower(`http://${agent}`, sandboxFile(task.framework_id, task.id, opts.stderr ? 'stderr' : 'stdout'), process.stdout);
  let ended = TERMINAL.has(task.state);
  let lastStateCheck = Date.now();
  for (;;) {
    await follower.pump();
    if (!opts.follow || ended) return;
    await new Promise((r) => setTimeout(r, 250));
    if (Date.now() - lastStateCheck > 1_000) {
      lastStateCheck = Date.now();
      ended = TERMINAL.has((await findTask(opts.master, task.id)).task.state); // one more read after the end
    }
  }
}
