import { isTerminal, taskByIdOrPrefix } from '@strata/operator-model';
import { authorizationHeaders, fetchState, type StateTask } from '../master-api';
import { FileFollower, addressOf, agentScheme, followUntilEnded, sandboxFile } from './task-files';

async function findTask(master: string, taskId: string): Promise<{ task: StateTask; agent: string }> {
  const state = await fetchState(master);
  const task = taskByIdOrPrefix([...state.frameworks, ...state.completed_frameworks].flatMap((fw) => [...fw.tasks, ...fw.completed_tasks]), taskId);
  const slave = state.slaves.find((s) => s.id === task.slave_id);
  if (!slave) throw new Error(`the agent of task '${task.id}' (${task.slave_id}) is no longer known`);
  return { task, agent: addressOf(slave) };
}

/** `strata logs`: a task's stdout or stderr through the agent's /files/read, optionally followed until the task ends. */
export async function logsCommand(taskId: string, opts: { master: string; stderr?: boolean; follow?: boolean }): Promise<void> {
  const { task, agent } = await findTask(opts.master, taskId);
  const follower = new FileFollower(`${agentScheme()}://${agent}`, sandboxFile(task.framework_id, task.id, opts.stderr ? 'stderr' : 'stdout'), process.stdout, authorizationHeaders());
  await followUntilEnded(follower, { follow: opts.follow, endedAtStart: isTerminal(task.state), ended: async () => isTerminal((await findTask(opts.master, task.id)).task.state) });
}
