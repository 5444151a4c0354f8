import { isTerminal, sandboxOf, taskRows, type AgentState, type TaskRow, type TaskState } from '@strata/operator-model';
import { gateway as client, printJson as print } from '../cluster/output';
import { table } from '../table';
import { FileFollower } from './task-files';

const state = () => client().get<TaskState>('/mesos/master/state');

/** A task by its id or an unambiguous prefix of it, running or completed. */
async function findTask(id: string): Promise<TaskRow> {
  const all = taskRows(await state(), { completed: true });
  const exact = all.find((t) => t.id === id);
  const matches = exact ? [exact] : all.filter((t) => t.id.startsWith(id));
  if (matches.length === 1) return matches[0]!;
  throw new Error(matches.length ? `'${id}' matches ${matches.length} tasks; give more of the id` : `no task '${id}' is known to the master`);
}

/** The task's sandbox, as its agent names it, and the gateway's route to that agent (`/agent/ID`). */
async function sandbox(task: TaskRow): Promise<{ agent: string; dir: string }> {
  const agent = `/agent/${encodeURIComponent(task.slave_id)}`;
  const dir = sandboxOf(await client().get<AgentState>(`${agent}/state`), task.id);
  if (!dir) throw new Error(`the agent of ${task.id} has no sandbox for it any more`);
  return { agent, dir };
}

/** `strata task list [TEXT]`: tasks whose id, name, state, framework or host holds TEXT. */
export async function taskList(text: string | undefined, o: { json?: boolean; completed?: boolean }): Promise<void> {
  const rows = taskRows(await state(), { text: text ?? '', completed: !!o.completed });
  if (o.json) return print(rows);
  process.stdout.write(table(['NAME', 'HOST', 'STATE', 'FRAMEWORK', 'ID'], rows.map((t) => [t.name, t.host, t.state, t.framework, t.id])) + '\n');
}

/** `strata task logs ID`: stdout (or stderr) from the sandbox; `--follow` until the task ends. */
export async function taskLogs(id: string, o: { follow?: boolean; stderr?: boolean }): Promise<void> {
  let task = await findTask(id);
  const { agent, dir } = await sandbox(task);
  const follower = new FileFollower(client().base + agent, `${dir}/${o.stderr ? 'stderr' : 'stdout'}`, process.stdout);
  let checked = Date.now();
  for (;;) {
    const ended = isTerminal(task.state);
    await follower.pump();
    // One more read after the end is seen, so the last lines are never lost.
    if (!o.follow || ended) return;
    await new Promise((r) => setTimeout(r, 250));
    if (Date.now() - checked >= 1_000) {
      checked = Date.now();
      task = await findTask(task.id);
    }
  }
}

interface FileInfo {
  path: string;
  size: number;
  mode: string;
  mtime?: number;
}

/** `strata task ls ID [PATH]`: the sandbox's files (PATH relative to the sandbox). */
export async function taskLs(id: string, sub: string | undefined, o: { json?: boolean }): Promise<void> {
  const { agent, dir } = await sandbox(await findTask(id));
  const path = sub ? `${dir}/${sub.replace(/^\/+/, '')}` : dir;
  const list = await client().get<FileInfo[]>(`${agent}/files/browse?path=${encodeURIComponent(path)}`);
  if (o.json) return print(list);
  process.stdout.write(table(['MODE', 'SIZE', 'MODIFIED', 'NAME'], list.map((f) => [f.mode, String(f.size), f.mtime ? new Date(f.mtime * 1000).toISOString() : '', f.path.split('/').pop() ?? f.path])) + '\n');
}

/** `strata task cat ID PATH`: one sandbox file, whole. */
export async function taskCat(id: string, file: string): Promise<void> {
  const { agent, dir } = await sandbox(await findTask(id));
  const path = `${dir}/${file.replace(/^\/+/, '')}`;
  // The follower reads nothing from a file that is not there; cat says so (offset -1 asks only for its length).
  await client().get(`${agent}/files/read?path=${encodeURIComponent(path)}&offset=-1`);
  await new FileFollower(client().base + agent, path, process.stdout).pump();
}
