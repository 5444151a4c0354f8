import { gateway as client, patchOf, printJson as print, readDefinition } from '../cluster/output';
import { table } from '../table';
import { deploying, forced, type Started, type WriteOptions } from './deployment';

interface Group {
  id: string;
  apps?: { id: string; instances: number; tasksRunning?: number }[];
  groups?: Group[];
  version?: string;
}

const groupPath = (id: string) => `/marathon/v2/groups/${id.replace(/^\/+/, '')}`;

/** Every group under the root, depth first, as rows: its apps and their instances. */
function groupRows(g: Group, depth = 0): string[][] {
  const apps = g.apps ?? [];
  const running = apps.reduce((n, a) => n + (a.tasksRunning ?? 0), 0);
  const wanted = apps.reduce((n, a) => n + a.instances, 0);
  const row = [`${'  '.repeat(depth)}${g.id}`, String(apps.length), `${running}/${wanted}`, g.version ?? ''];
  return [row, ...(g.groups ?? []).sort((a, b) => a.id.localeCompare(b.id)).flatMap((c) => groupRows(c, depth + 1))];
}

export async function groupList(o: { json?: boolean }): Promise<void> {
  const root = await client().get<Group>('/marathon/v2/groups?embed=group.groups&embed=group.apps&embed=group.apps.counts');
  if (o.json) return print(root);
  process.stdout.write(table(['ID', 'APPS', 'TASKS', 'VERSION'], groupRows(root)) + '\n');
}

export async function groupShow(id: string): Promise<void> {
  print(await client().get(`${groupPath(id)}?embed=group.groups&embed=group.apps&embed=group.apps.counts`));
}

export async function groupAdd(file: string | undefined, o: WriteOptions): Promise<number> {
  const definition = readDefinition(file);
  return deploying(o, () => client().call<Started>('POST', `/marathon/v2/groups${forced(o)}`, definition));
}

export async function groupUpdate(id: string, args: string[], o: WriteOptions): Promise<number> {
  const patch = patchOf(args);
  return deploying(o, () => client().call<Started>('PUT', `${groupPath(id)}${forced(o)}`, patch));
}

/** Every app of the group (and its subgroups) by a factor: Marathon's `scaleBy`. */
export async function groupScale(id: string, factor: number, o: WriteOptions): Promise<number> {
  return deploying(o, () => client().call<Started>('PUT', `${groupPath(id)}${forced(o)}`, { scaleBy: factor }));
}

export async function groupRemove(id: string, o: WriteOptions): Promise<number> {
  return deploying(o, () => client().call<Started>('DELETE', `${groupPath(id)}${forced(o)}`));
}
