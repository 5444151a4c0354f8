import type { MarathonApp } from '@strata/operator-model';
import { gateway as client, patchOf, printJson as print, readDefinition } from '../cluster/output';
import { table } from '../table';
import { deploying, forced, type Started, type WriteOptions } from './deployment';

interface App extends MarathonApp {
  cmd?: string;
  container?: { docker?: { image?: string } };
}

const appPath = (id: string) => `/marathon/v2/apps/${id.replace(/^\/+/, '')}`;

export async function appList(o: { json?: boolean }): Promise<void> {
  const { apps } = await client().get<{ apps: App[] }>('/marathon/v2/apps?embed=apps.deployments&embed=apps.counts');
  if (o.json) return print(apps);
  process.stdout.write(table(['ID', 'MEM', 'CPUS', 'TASKS', 'HEALTH', 'DEPLOYMENT', 'CMD'], apps.map((a) => [a.id, a.mem, a.cpus, `${a.tasksRunning ?? 0}/${a.instances}`, a.healthChecks?.length ? `${a.tasksHealthy ?? 0}/${a.instances}` : '-', a.deployments?.length ? 'DEPLOYING' : '-', a.cmd ?? a.container?.docker?.image ?? ''])) + '\n');
}

export async function appShow(id: string): Promise<void> {
  const { app } = await client().get<{ app: App }>(`${appPath(id)}?embed=app.counts`);
  // An app is a document: JSON with or without --json, as `dcos marathon app show`.
  print(app);
}


export async function appAdd(file: string | undefined, o: WriteOptions): Promise<number> {
  const definition = readDefinition(file);
  return deploying(o, () => client().call<Started & { id: string }>('POST', '/marathon/v2/apps', definition), (created) => `created ${created.id}`);
}

/** `update ID file|-` replaces fields from a definition; `update ID key=value...` sets single fields (values parsed as JSON when they parse). */
export async function appUpdate(id: string, args: string[], o: WriteOptions): Promise<number> {
  const patch = patchOf(args);
  return deploying(o, () => client().call<Started>('PUT', `${appPath(id)}${forced(o)}`, patch));
}

export async function appScale(id: string, n: number, o: WriteOptions): Promise<number> {
  return deploying(o, () => client().call<Started>('PUT', `${appPath(id)}${forced(o)}`, { instances: n }));
}

export async function appRestart(id: string, o: WriteOptions): Promise<number> {
  return deploying(o, () => client().call<Started>('POST', `${appPath(id)}/restart${forced(o)}`));
}

export async function appRemove(id: string, o: WriteOptions): Promise<number> {
  return deploying(o, () => client().call<Started>('DELETE', `${appPath(id)}${forced(o)}`));
}

export async function appKillTasks(id: string, o: { scale?: boolean; json?: boolean }): Promise<void> {
  const r = await client().call<{ tasks?: unknown[]; deploymentId?: string }>('DELETE', `${appPath(id)}/tasks${o.scale ? '?scale=true' : ''}`);
  if (o.json) return print(r);
  process.stdout.write(r.deploymentId ? `deployment ${r.deploymentId}\n` : `killed ${r.tasks?.length ?? 0} task(s)\n`);
}

export async function appVersions(id: string, o: { json?: boolean }): Promise<void> {
  const { versions } = await client().get<{ versions: string[] }>(`${appPath(id)}/versions`);
  if (o.json) return print(versions);
  process.stdout.write(versions.join('\n') + (versions.length ? '\n' : ''));
}

/** Back to a version (the previous one when none is given), as `PUT {version}`. */
export async function appRollback(id: string, version: string | undefined, o: WriteOptions): Promise<number> {
  let to = version;
  if (!to) {
    const { versions } = await client().get<{ versions: string[] }>(`${appPath(id)}/versions`);
    to = versions[1];
    if (!to) throw new Error(`${id} has no earlier version to roll back to`);
  }
  return deploying(o, () => client().call<Started>('PUT', `${appPath(id)}${forced(o)}`, { version: to }));
}
