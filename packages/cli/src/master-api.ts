/** The master's HTTP API as the CLI uses it. */
export interface StateJson {
  id: string;
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

/** A request to the master; an unreachable master is said so in words. */
export async function masterFetch(master: string, path: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(`http://${master}${path}`, init);
  } catch (err) {
    throw new Error(`cannot reach the master at ${master}: ${(err as Error).cause ?? (err as Error).message}`);
  }
}

/** GET a JSON document from the master; anything but 2xx is an error naming the URL. */
export async function masterJson<T>(master: string, path: string): Promise<T> {
  const resp = await masterFetch(master, path);
  if (!resp.ok) throw new Error(`http://${master}${path} answered ${resp.status}`);
  return (await resp.json()) as T;
}

export const fetchState = (master: string) => masterJson<StateJson>(master, '/master/state');

export const defaultMaster = () => process.env.STRATA_MASTER ?? '127.0.0.1:5050';
