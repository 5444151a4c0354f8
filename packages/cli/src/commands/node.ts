import { taskRows, type TaskState } from '@strata/operator-model';
import { gateway as client, printJson as print } from '../cluster/output';
import { table } from '../table';

interface Agent {
  id: string;
  hostname: string;
  port: number;
  active: boolean;
  resources: Record<string, number | string>;
  used_resources: Record<string, number | string>;
  reserved_resources?: Record<string, Record<string, number | string>>;
  attributes?: Record<string, string | number>;
}
type State = Omit<TaskState, 'slaves'> & { slaves: Agent[] };

const state = () => client().get<State>('/mesos/master/state');
const n = (v: unknown) => (typeof v === 'number' ? v : 0);
const usage = (a: Agent, k: string) => `${+n(a.used_resources[k]).toFixed(2)}/${+n(a.resources[k]).toFixed(2)}`;
const attributes = (a: Agent) =>
  Object.entries(a.attributes ?? {})
    .map(([k, v]) => `${k}:${v}`)
    .join(',');

/** `strata node list`: the agents with what is used of what they offer, as `dcos node list`. */
export async function nodeList(o: { json?: boolean }): Promise<void> {
  const { slaves } = await state();
  if (o.json) return print(slaves);
  process.stdout.write(table(['ID', 'HOSTNAME', 'STATE', 'CPUS', 'MEM', 'DISK', 'ATTRIBUTES'], slaves.map((a) => [a.id, `${a.hostname}:${a.port}`, a.active ? 'active' : 'inactive', usage(a, 'cpus'), usage(a, 'mem'), usage(a, 'disk'), attributes(a)])) + '\n');
}

/** `strata node show ID`: an agent, its reservations and the tasks on it. */
export async function nodeShow(id: string, o: { json?: boolean }): Promise<void> {
  const s = await state();
  const agent = s.slaves.find((a) => a.id === id || a.hostname === id);
  if (!agent) throw new Error(`no agent '${id}' is known to the master (strata node list shows them)`);
  const tasks = taskRows(s).filter((t) => t.slave_id === agent.id);
  if (o.json) return print({ ...agent, tasks });
  const lines = [
    `id          ${agent.id}`,
    `address     ${agent.hostname}:${agent.port} (${agent.active ? 'active' : 'inactive'})`,
    ...['cpus', 'mem', 'disk'].map((k) => `${k.padEnd(12)}${usage(agent, k)}`),
    `ports       ${agent.resources.ports ?? ''}`,
    `attributes  ${attributes(agent) || '-'}`,
    ...Object.entries(agent.reserved_resources ?? {}).map(([role, r]) => `reserved    ${role}: ${Object.entries(r).map(([k, v]) => `${k}:${v}`).join(' ')}`),
    '',
    table(['TASK', 'STATE', 'FRAMEWORK', 'CPUS', 'MEM'], tasks.map((t) => [t.id, t.state, t.framework, String(t.resources?.cpus ?? ''), String(t.resources?.mem ?? '')])),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
