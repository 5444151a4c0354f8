import { clusterFetch, schemeOf, silentLogger, tlsFromEnv } from '@strata/lib';
import { MasterLocator, parseMasterTarget } from '@strata/lib/ha';
import { clusterAuthorization } from './cluster/config';

/** The master's HTTP API as the CLI uses it. */
export interface StateJson {
  id: string;
  leader_info?: { id: string; address: string };
  masters?: { id: string; address: string; leading: boolean }[];
  slaves: { id: string; pid?: string; hostname: string; port: number; active: boolean; resources: Record<string, number | string>; used_resources: Record<string, number | string> }[];
  frameworks: StateFramework[];
  completed_frameworks: StateFramework[];
}
export interface StateTask {
  id: string;
  name: string;
  state: string;
  slave_id: string;
  framework_id: string;
  resources: Record<string, number | string>;
}
interface StateFramework {
  id: string;
  name: string;
  tasks: StateTask[];
  completed_tasks: StateTask[];
}

/**
 * Where to send a request for `--master`: the leader found through etcd (etcd://…/NAME), or the
 * masters of a list in turn (a standby answers 307 to the leader, which fetch follows).
 */
async function candidatesOf(master: string): Promise<string[]> {
  const target = parseMasterTarget(master);
  if (target.kind === 'list') return target.addresses;
  const locator = new MasterLocator(target, silentLogger());
  try {
    return [await locator.leader(5_000)];
  } finally {
    await locator.stop();
  }
}

/** The login's Authorization as headers (none without a login): for the agents' files API. */
export function authorizationHeaders(): Record<string, string> {
  const authorization = clusterAuthorization();
  return authorization ? { authorization } : {};
}

/** A request to the master, with the login's Authorization (STRATA_TOKEN, `strata auth login`); an unreachable master is said so in words. */
export async function masterFetch(master: string, path: string, init?: RequestInit): Promise<Response> {
  const problems: string[] = [];
  const authorization = clusterAuthorization();
  const headers = new Headers(init?.headers);
  if (authorization && !headers.has('authorization')) headers.set('authorization', authorization);
  // A cluster that serves TLS (LIBPROCESS_SSL_* set, as for the services): https with its CA.
  const tls = tlsFromEnv();
  const headerObject = Object.fromEntries(headers.entries());
  for (const address of await candidatesOf(master)) {
    try {
      return await clusterFetch(tls)(`${schemeOf(tls)}://${address}${path}`, { method: init?.method, body: typeof init?.body === 'string' ? init.body : undefined, headers: headerObject });
    } catch (err) {
      problems.push(`${address}: ${(err as Error).cause ?? (err as Error).message}`);
    }
  }
  throw new Error(`cannot reach the master at ${problems.join('; ')}`);
}

/** GET a JSON document from the master; anything but 2xx is an error naming the URL. */
export async function masterJson<T>(master: string, path: string): Promise<T> {
  const resp = await masterFetch(master, path);
  if (!resp.ok) throw new Error(`${resp.url || `http://${master}${path}`} answered ${resp.status}`);
  return (await resp.json()) as T;
}

export const fetchState = (master: string) => masterJson<StateJson>(master, '/master/state');

export const defaultMaster = () => process.env.STRATA_MASTER ?? '127.0.0.1:5050';
