import { readFileSync } from 'node:fs';
import { clusterUrl } from '../cluster/config';
import { GatewayClient } from '../cluster/gateway-client';
import { table } from '../table';
import { watchDeployment } from './deployment';

interface App {
  id: string;
  instances: number;
  cpus: number;
  mem: number;
  tasksRunning?: number;
  tasksHealthy?: number;
  deployments?: { id: string }[];
  cmd?: string;
  container?: { docker?: { image?: string } };
}

const client = () => new GatewayClient(clusterUrl());
const appPath = (id: string) => `/marathon/v2/apps/${id.replace(/^\/+/, '')}`;
const print = (v: unknown) => void process.stdout.write(JSON.stringify(v, null, 2) + '\n');

/** A definition from a file, or `-` (or nothing) for stdin; bad JSON is one clear line. */
function readDefinition(file?: string): unknown {
  const text = !file || file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file && file !== '-' ? file : 'stdin'} is not valid JSON: ${(err as Error).message}`);
  }
}

export async function appList(o: { json?: boolean }): Promise<void> {
  const { apps } = await client().get<{ apps: App[] }>('/marathon/v2/apps?embed=apps.deployments&embed=apps.counts');
  if (o.json) return print(apps);
  process.stdout.write(table(['ID', 'MEM', 'CPUS', 'TASKS', 'HEALTH', 'DEPLOYMENT', 'CMD'], apps.map((a) => [a.id, a.mem, a.cpus, `${a.tasksRunning ?? 0}/${a.instances}`, `${a.tasksHealthy ?? 0}/${a.instances}`, a.deployments?.length ? 'DEPLOYING' : '-', a.cmd ?? a.container?.docker?.image ?? ''])) + '\n');
}

export async function appShow(id: string, o: { json?: boolean }): Promise<void> {
  const { app } = await client().get<{ app: App }>(`${appPath(id)}?embed=app.counts`);
  print(o.json ? app : app); // an app is a document: JSON either way, as `dcos marathon app show`
}

/** Waits for the deployment a write started, when asked (`--wait`), and exits as it ended. */
async function after(answer: { deploymentId?: string; deployments?: { id: string }[] }, o: { wait?: boolean; json?: boolean }): Promise<number> {
  const id = answer.deploymentId ?? answer.deployments?.[0]?.id;
  if (!o.json) process.stdout.write(id ? `deployment ${id}\n` : 'done\n');
  else print(answer);
  return o.wait && id ? watchDeployment(id, {}) : 0;
}

export async function appAdd(file: string | undefined, o: { wait?: boolean; json?: boolean }): Promise<number> {
  const created = await client().call<{ id: string; deployments?: { id: string }[] }>('POST', '/marathon/v2/apps', readDefinition(file));
  if (!o.json) process.stdout.write(`created ${created.id}\n`);
  return after(created, o);
}

/** `update ID file|-` replaces fields from a definition; `update ID key=value...` sets single fields (values parsed as JSON when they parse). */
export async function appUpdate(id: string, args: string[], o: { wait?: boolean; json?: boolean; force?: boolean }): Promise<number> {
  let patch: Record<string, unknown>;
  if (args.length && args.every((a) => a.includes('='))) {
    patch = {};
    for (const a of args) {
      const [k, ...v] = a.split('=');
      const raw = v.join('=');
      try {
        patch[k!] = JSON.parse(raw);
      } catch {
        patch[k!] = raw;
      }
    }
  } else patch = readDefinition(args[0]) as Record<string, unknown>;
  return after(await client().call('PUT', `${appPath(id)}${o.force ? '?force=true' : ''}`, patch), o);
}

export async function appScale(id: string, n: number, o: { wait?: boolean; json?: boolean; force?: boolean }): Promise<number> {
  return after(await client().call('PUT', `${appPath(id)}${o.force ? '?force=true' : ''}`, { instances: n }), o);
}

export async function appRestart(id: string, o: { wait?: boolean; json?: boolean; force?: boolean }): Promise<number> {
  return after(await client().call('POST', `${appPath(id)}/restart${o.force ? '?force=true' : ''}`), o);
}

export async function appRemove(id: string, o: { wait?: boolean; json?: boolean; force?: boolean }): Promise<number> {
  return after(await client().call('DELETE', `${appPath(id)}${o.force ? '?force=true' : ''}`), o);
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
export async function appRollback(id: string, version: string | undefined, o: { wait?: boolean; json?: boolean; force?: boolean }): Promise<number> {
  let to = version;
  if (!to) {
    const { versions } = await client().get<{ versions: string[] }>(`${appPath(id)}/versions`);
    to = versions[1];
    if (!to) throw new Error(`${id} has no earlier version to roll back to`);
  }
  return after(await client().call('PUT', `${appPath(id)}${o.force ? '?force=true' : ''}`, { version: to }), o);
}
