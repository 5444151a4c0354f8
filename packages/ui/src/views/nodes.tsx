import { useLive } from '../api/live';
import { SCALARS, type MasterState } from '@strata/operator-model';
import { Bar, ErrorLine } from '../components/bits';

const n = (v: unknown) => (typeof v === 'number' ? v : 0);

export function Nodes() {
  const master = useLive<MasterState>('/mesos/master/state', { pollMs: 2_000 });
  const tasksOn = (id: string) => (master.data?.frameworks ?? []).flatMap((f) => f.tasks).filter((t) => t.slave_id === id).length;
  return (
    <div>
      <ErrorLine text={master.error} />
      <div class="nodes">
        {(master.data?.slaves ?? []).map((a) => (
          <section class={`card node ${a.active ? '' : 'down'}`} key={a.id} data-testid={`node-${a.id}`}>
            <h2>{a.hostname}</h2>
            <p class="muted">
              {a.id} · {a.active ? 'healthy' : 'unreachable'} · {tasksOn(a.id)} tasks
            </p>
            {SCALARS.map((k) => (
              <Bar key={k} label={k} used={n(a.used_resources[k])} total={n(a.resources[k])} />
            ))}
            {a.attributes && Object.keys(a.attributes).length > 0 && <p class="muted">{Object.entries(a.attributes).map(([k, v]) => `${k}:${v}`).join(' ')}</p>}
          </section>
        ))}
      </div>
    </div>
  );
}
