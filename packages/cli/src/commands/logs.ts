import { checkpointPaths } from '@strata/agent';
import { fetchState, type StateTask } from '../master-api';

const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR']);

async function findTask(master: string, taskId: string): Promise<{ task: StateTask; agent: string }> {
  const state = await fetchState(master);
  const all = [...state.frameworks, ...state.completed_frameworks].flatMap((fw) => [...fw.tasks, ...fw.completed_tasks]);
  const matches = all.filter((t) => t.id === taskId || t.id.startsWith(taskId));
  const exact = matches.find((t) => t.id === taskId);
  const task = exact ?? (matches.length === 1 ? matches[0] : undefined);
  if (!task) throw new Error(matches.length ? `'${taskId}' matches ${matches.length} tasks; give more of the id` : `no task '${taskId}' is known to the master`);
  const slave = state.slaves.find((s) => s.id === task.slave_id) as { pid?: string; hostname: string; port: number } | undefined;
  if (!slave) throw new Error(`the agent of task '${task.id}' (${task.slave_id}) is no longer known`);
  const agent = slave.pid?.split('@')[1] ?? `${slave.hostname}:${slave.port}`;
  return { task, agent };
}

/** `strata logs`: a task's stdout or stderr through the agent's /files/read, optionally followed until the task ends. */
export async function logsCommand(taskId: string, opts: { master: string; stderr?: boolean; follow?: boolean }): Promise<void> {
  const { task, agent } = await findTask(opts.master, taskId);
  const file = `${checkpointPaths.safeId(task.framework_id)}/${checkpointPaths.safeId(task.id)}/${opts.stderr ? 'stderr' : 'stdout'}`;
  let offset = 0;
  let ended = TERMINAL.has(task.state);
  let lastStateCheck = Date.now();
  for (;;) {
    const resp = await fetch(`http://${agent}/files/read?path=${encodeURIComponent(file)}&offset=${offset}&length=65536`);
    if (!resp.ok) {
      const body = (await resp.json().catch(() => ({}))) as { message?: string };
      throw new Error(`agent ${agent} answered ${resp.status}: ${body.message ?? ''}`);
    }
    const { data } = (await resp.json()) as { data: string };
    if (data.length) {
      process.stdout.write(data);
      offset += Buffer.byteLength(data);
      continue;
    }
    if (!opts.follow || ended) return;
    await new Promise((r) => setTimeout(r, 250));
    if (Date.now() - lastStateCheck > 1_000) {
      lastStateCheck = Date.now();
      ended = TERMINAL.has((await findTask(opts.master, task.id)).task.state); // one more read after the end
    }
  }
}
