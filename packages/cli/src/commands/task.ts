import { isTerminal, sandboxOf, taskByIdOrPrefix, taskRows, type AgentState, type TaskRow, type TaskState } from '@strata/operator-model';
import { gateway as client, printJson as print } from '../cluster/output';
import { table } from '../table';
import { FileFollower, followUntilEnded } from './task-files';

const state = () => client().get<TaskState>('/mesos/master/state');

/** A task by its id or an unambiguous prefix of it, running or completed. */
async function findTask(id: string): Promise<TaskRow> {
  return taskByIdOrPrefix(taskRows(await state(), { completed: true }), id);
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
  const task = await findTask(id);
  const { agent, dir } = await sandbox(task);
  const follower = new FileFollower(client().base + agent, `${dir}/${o.stderr ? 'stderr' : 'stdout'}`, process.stdout, client().headers());
  await followUntilEnded(follower, { follow: o.follow, endedAtStart: isTerminal(task.state), ended: async () => isTerminal((await findTask(task.id)).state) });
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
  await new FileFollower(client().base + agent, path, process.stdout, client().headers()).pump();
}
