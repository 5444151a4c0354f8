/** The master's HTTP API as the CLI uses it. */
export interface StateJson {
  id: string;
  slaves: { id: string; hostname: string; port: number; active: boolean; resources: Record<string, number | string>; used_resources: Record<string, number | string> }[];
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

export async function fetchState(master: string): Promise<StateJson> {
  const url = `http://${master}/master/state`;
  let resp: Response;
  try {
    resp = await fetch(url);
  } catch (err) {
    throw new Error(`cannot reach the master at ${master}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  if (!resp.ok) throw new Error(`${url} answered ${resp.status}`);
  return (await resp.json()) as StateJson;
}

export const defaultMaster = () => process.env.STRATA_MASTER ?? '127.0.0.1:5050';
