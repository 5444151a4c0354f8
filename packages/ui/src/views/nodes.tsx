import { useLive } from '../api/live';
import { SCALARS, taskRows, type MasterState, type TaskState } from '@strata/operator-model';
import { Bar, Card, ErrorLine } from '../components/bits';

const n = (v: unknown) => (typeof v === 'number' ? v : 0);

type Agent = MasterState['slaves'][number] & { reserved_resources?: Record<string, Record<string, number | string>> };

/** An agent's reservations by role, as "web: cpus 1, mem 128". */
function Reservations({ agent }: { agent: Agent }) {
  const roles = Object.entries(agent.reserved_resources ?? {});
  if (!roles.length) return null;
  return (
    <p class="muted" data-testid="reservations">
      reserved{' '}
      {roles.map(([role, r]) => `${role}: ${Object.entries(r).filter(([k]) => k !== 'ports').map(([k, v]) => `${k} ${v}`).join(', ')}`).join('; ')}
    </p>
  );
}

export function Nodes() {
  const master = useLive<MasterState>('/mesos/master/state', { pollMs: 2_000 });
  const tasksOn = (id: string) => (master.data?.frameworks ?? []).flatMap((f) => f.tasks).filter((t) => t.slave_id === id).length;
  return (
    <div>
      <ErrorLine text={master.error} />
      <div class="nodes">
        {(master.data?.slaves ?? []).map((a) => (
          <section class={`card node ${a.active ? '' : 'down'}`} key={a.id} data-testid={`node-${a.id}`}>
            <h2>
              <a href={`#/nodes/${encodeURIComponent(a.id)}`}>{a.hostname}</a>
            </h2>
            <p class="muted">
              {a.id} · {a.active ? 'healthy' : 'unreachable'} · {tasksOn(a.id)} tasks
            </p>
            {SCALARS.map((k) => (
              <Bar key={k} label={k} used={n(a.used_resources[k])} total={n(a.resources[k])} />
            ))}
            {a.attributes && Object.keys(a.attributes).length > 0 && <p class="muted">{Object.entries(a.attributes).map(([k, v]) => `${k}:${v}`).join(' ')}</p>}
            <Reservations agent={a} />
          </section>
        ))}
      </div>
    </div>
  );
}

/** One agent: its utilisation, attributes, reservations and the tasks it runs. */
export function NodePage({ id }: { id: string }) {
  const master = useLive<MasterState & TaskState>('/mesos/master/state', { pollMs: 2_000 });
  const agent = master.data?.slaves.find((a) => a.id === id) as Agent | undefined;
  const tasks = master.data ? taskRows(master.data).filter((t) => t.slave_id === id) : [];
  return (
    <div>
      <ErrorLine text={master.error} />
      {master.data && !agent && <p class="error">no agent {id} is known to the master</p>}
      {agent && (
        <Card title={`${agent.hostname} (${agent.active ? 'healthy' : 'unreachable'})`} testId="node">
          {SCALARS.map((k) => (
            <Bar key={k} label={k} used={n(agent.used_resources[k])} total={n(agent.resources[k])} />
          ))}
          <p class="muted">
            {agent.id} · ports {String(agent.resources.ports ?? '')}
            {agent.attributes && Object.keys(agent.attributes).length > 0 ? ` · ${Object.entries(agent.attributes).map(([k, v]) => `${k}:${v}`).join(' ')}` : ''}
          </p>
          <Reservations agent={agent} />
        </Card>
      )}
      <h2>Tasks</h2>
      <table class="list" data-testid="node-tasks">
        <tbody>
          {tasks.map((t) => (
            <tr key={t.id} data-testid={`task-${t.id}`}>
              <td>
                <a href={`#/tasks/${encodeURIComponent(t.id)}`}>{t.id}</a>
              </td>
              <td>{t.framework}</td>
              <td>{t.state}</td>
              <td>
                {String(t.resources?.cpus ?? '')} cpus · {String(t.resources?.mem ?? '')} MiB
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
