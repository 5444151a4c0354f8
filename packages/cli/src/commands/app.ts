import { readFileSync } from 'node:fs';
import { clusterUrl } from '../cluster/config';
import { GatewayClient } from '../cluster/gateway-client';
import { table } from '../table';
import { followOutcomes, watchDeployment, type DeploymentOutcomes } from './deployment';

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

interface WriteOptions {
  wait?: boolean;
  json?: boolean;
  force?: boolean;
}
type Started = { deploymentId?: string; deployments?: { id: string }[] };

/**
 * Makes a write that starts a deployment and, with `--wait`, follows it to its end and returns
 * its exit code. The event stream is opened before the write, so a deployment that is over
 * before the first poll is still seen succeeding.
 */
async function deploying<T extends Started>(o: WriteOptions, write: () => Promise<T>, said?: (answer: T) => string): Promise<number> {
  let outcomes: DeploymentOutcomes | undefined;
  if (o.wait) {
    outcomes = followOutcomes(client().base);
    await outcomes.ready;
  }
  let answer: T;
  try {
    answer = await write();
  } catch (err) {
    outcomes?.close();
    throw err;
  }
  const id = answer.deploymentId ?? answer.deployments?.[0]?.id;
  if (o.json) print(answer);
  else process.stdout.write(`${said ? said(answer) + '\n' : ''}${id ? `deployment ${id}\n` : 'done\n'}`);
  if (outcomes && id) return watchDeployment(id, {}, outcomes);
  outcomes?.close();
  return 0;
}
const forced = (o: WriteOptions) => (o.force ? '?force=true' : '');

export async function appAdd(file: string | undefined, o: WriteOptions): Promise<number> {
  const definition = readDefinition(file);
  return deploying(o, () => client().call<Started & { id: string }>('POST', '/marathon/v2/apps', definition), (created) => `created ${created.id}`);
}

/** `update ID file|-` replaces fields from a definition; `update ID key=value...` sets single fields (values parsed as JSON when they parse). */
export async function appUpdate(id: string, args: string[], o: WriteOptions): Promise<number> {
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
