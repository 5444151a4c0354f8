import { gateway as client, printJson as print } from '../cluster/output';
import { table } from '../table';

interface Framework {
  id: string;
  name: string;
  active: boolean;
  role?: string;
  hostname?: string;
  webui_url?: string;
  tasks: unknown[];
  used_resources: Record<string, number | string>;
}

/** `strata service list`: the frameworks the master has, with what they use (`dcos service`). */
export async function serviceList(o: { json?: boolean; inactive?: boolean }): Promise<void> {
  const { frameworks, completed_frameworks } = await client().get<{ frameworks: Framework[]; completed_frameworks: Framework[] }>('/mesos/master/state');
  const all = [...frameworks, ...(o.inactive ? completed_frameworks : [])];
  if (o.json) return print(all);
  process.stdout.write(table(['NAME', 'HOST', 'ACTIVE', 'TASKS', 'CPU', 'MEM', 'DISK', 'ROLE', 'ID'], all.map((f) => [f.name, f.hostname ?? '', f.active ? 'True' : 'False', String(f.tasks.length), String(f.used_resources.cpus ?? 0), String(f.used_resources.mem ?? 0), String(f.used_resources.disk ?? 0), f.role ?? '*', f.id])) + '\n');
}
