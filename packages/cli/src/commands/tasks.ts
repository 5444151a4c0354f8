import { fetchState } from '../master-api';
import { table } from '../table';

export async function tasksCommand(opts: { master: string; all?: boolean; json?: boolean }): Promise<void> {
  const state = await fetchState(opts.master);
  const frameworks = [...state.frameworks, ...(opts.all ? state.completed_frameworks : [])];
  const tasks = frameworks.flatMap((fw) => [...fw.tasks, ...(opts.all ? fw.completed_tasks : [])].map((t) => ({ ...t, fwName: fw.name })));
  if (opts.json) return void console.log(JSON.stringify(tasks, null, 2));
  const rows = tasks.map((t) => [t.id, t.state, t.fwName, t.slave_id, String(t.resources.cpus), String(t.resources.mem)]);
  console.log(table(['ID', 'STATE', 'FRAMEWORK', 'AGENT', 'CPUS', 'MEM'], rows));
}
