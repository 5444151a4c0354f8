import { useEffect, useState } from 'preact/hooks';
import { useLive } from '../api/live';
import { clusterSummary, failingTasks, pushSample, serviceHealth, serviceStatus, share, SCALARS, type MarathonApp, type MasterState, type TaskState } from '@strata/operator-model';
import { Bar, Card, Chart, ErrorLine } from '../components/bits';

export function Dashboard() {
  const master = useLive<MasterState>('/mesos/master/state', { pollMs: 2_000 });
  const apps = useLive<{ apps: MarathonApp[] }>('/marathon/v2/apps?embed=apps.deployments', { events: true });
  const [history, setHistory] = useState<number[][]>([[], [], []]);
  const s = master.data ? clusterSummary(master.data) : undefined;
  useEffect(() => {
    if (s) setHistory((h) => SCALARS.map((k, i) => pushSample(h[i]!, share(s.used[k], s.total[k]))));
  }, [master.data]);
  const statuses = (apps.data?.apps ?? []).map((a) => ({ status: serviceStatus(a), health: serviceHealth(a) }));
  return (
    <div class="grid">
      <ErrorLine text={master.error && `master: ${master.error}`} />
      <Card title="Resources allocated" testId="allocation">
        {s ? SCALARS.map((k) => <Bar key={k} label={k} used={s.used[k]} total={s.total[k]} />) : <p>loading…</p>}
        <Chart series={history} labels={[...SCALARS]} />
      </Card>
      <Card title="Nodes" testId="nodes-summary">
        {s && (
          <p>
            <b data-testid="agents-active">{s.agents.active}</b> healthy, <b>{s.agents.inactive}</b> unreachable
          </p>
        )}
      </Card>
      <Card title="Tasks" testId="tasks-summary">
        <ul>{s && Object.entries(s.tasksByState).map(([st, n]) => <li key={st}>{st.replace('TASK_', '').toLowerCase()}: {n}</li>)}</ul>
      </Card>
      <Card title="Failing tasks" testId="failing-tasks">
        {master.data && failingTasks(master.data as unknown as TaskState).length === 0 && <p class="muted">none</p>}
        <ul>
          {master.data &&
            failingTasks(master.data as unknown as TaskState).map((t) => (
              <li key={t.id}>
                <a href={`#/tasks/${encodeURIComponent(t.id)}`}>{t.name}</a> {t.state.replace('TASK_', '').toLowerCase()} on {t.host}
                {t.message ? <span class="muted"> · {t.message}</span> : null}
              </li>
            ))}
        </ul>
      </Card>
      <Card title="Services" testId="services-summary">
        <p>
          {statuses.filter((x) => x.health !== 'Unhealthy' && x.status === 'Running').length} running, {statuses.filter((x) => x.health === 'Unhealthy').length} unhealthy,{' '}
          {statuses.filter((x) => x.status === 'Deploying' || x.status === 'Waiting').length} deploying
        </p>
      </Card>
    </div>
  );
}
