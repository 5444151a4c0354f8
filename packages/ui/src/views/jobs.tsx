import { useState } from 'preact/hooks';
import { call, messageOf } from '../api/client';
import { graphLayout, jobRows, type ChronosJob, type JobSummary } from '@strata/operator-model';
import { useLive } from '../api/live';
import { Card, ErrorLine } from '../components/bits';

const API = '/chronos/v1/scheduler';
const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '—');

export function Jobs() {
  const jobs = useLive<ChronosJob[]>(`${API}/jobs`, { pollMs: 2_000 });
  const summary = useLive<{ jobs: JobSummary[] }>(`${API}/jobs/summary`, { pollMs: 2_000 });
  const [error, setError] = useState<string>();
  const act = async (method: string, path: string) => {
    const a = await call(method, path);
    setError(a.ok ? undefined : messageOf(a));
    jobs.reload();
    summary.reload();
  };
  const rows = jobRows(jobs.data ?? [], summary.data?.jobs);
  return (
    <div>
      <p>
        <a href="#/jobs/new" class="button" data-testid="new-job">
          Create a job
        </a>
      </p>
      <ErrorLine text={error ?? jobs.error} />
      <table class="list" data-testid="jobs">
        <thead>
          <tr>
            <th>Name</th>
            <th>Schedule</th>
            <th>Status</th>
            <th>Last run</th>
            <th>Next run</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((j) => (
            <tr key={j.name} data-testid={`job-${j.name}`}>
              <td>
                <a href={`#/jobs/${encodeURIComponent(j.name)}`}>{j.name}</a>
              </td>
              <td class="muted">{j.trigger}</td>
              <td data-testid="status">
                {j.status} · {j.state}
              </td>
              <td data-testid="last-run">{j.lastRun ? `${j.lastOutcome} ${when(j.lastRun)}` : 'never'}</td>
              <td>{when(j.nextRun)}</td>
              <td class="actions">
                <button onClick={() => void act('PUT', `${API}/job/${encodeURIComponent(j.name)}`)}>Run now</button>
                <button onClick={() => void act('DELETE', `${API}/task/kill/${encodeURIComponent(j.name)}`)}>Kill</button>
                <button onClick={() => void act('PUT', `${API}/job/success/${encodeURIComponent(j.name)}`)}>Mark success</button>
                <button
                  class="danger"
                  onClick={() => {
                    if (confirm(`Remove ${j.name}?`)) void act('DELETE', `${API}/job/${encodeURIComponent(j.name)}`);
                  }}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {(jobs.data ?? []).some((j) => j.parents?.length) && (
        <Card title="Dependencies" testId="job-graph">
          <JobGraph jobs={jobs.data ?? []} />
        </Card>
      )}
    </div>
  );
}

function JobGraph({ jobs }: { jobs: ChronosJob[] }) {
  const g = graphLayout(jobs);
  const at = new Map(g.nodes.map((n) => [n.name, n]));
  const [w, h] = [140, 28];
  return (
    <svg class="graph" viewBox={`-4 -4 ${g.width + 8} ${g.height + 8}`} width={g.width + 8} height={g.height + 8} role="img" aria-label="job dependencies">
      {g.edges.map((e) => {
        const a = at.get(e.from)!;
        const b = at.get(e.to)!;
        return <line key={`${e.from}>${e.to}`} x1={a.x + w} y1={a.y + h / 2} x2={b.x} y2={b.y + h / 2} stroke="#8b949e" marker-end="url(#arrow)" />;
      })}
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto">
          <path d="M0,0 L10,5 L0,10 z" fill="#8b949e" />
        </marker>
      </defs>
      {g.nodes.map((n) => (
        <g key={n.name} data-testid={`graph-${n.name}`}>
          <rect x={n.x} y={n.y} width={w} height={h} rx={4} fill="#161b22" stroke="#2f81f7" />
          <text x={n.x + 8} y={n.y + 18} fill="#e6edf3" font-size="12">
            {n.name}
          </text>
        </g>
      ))}
    </svg>
  );
}

/** Create a job: ISO 8601 repeating interval or cron, a time zone; Chronos's 400 message shown as it says it. */
export function NewJob() {
  const [v, setV] = useState<Record<string, string>>({ name: '', command: '', kind: 'iso8601', schedule: `R/${new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z')}/PT1H`, scheduleTimeZone: '', epsilon: 'PT60S', cpus: '0.1', mem: '32' });
  const [message, setMessage] = useState<string>();
  const set = (k: string) => (e: Event) => setV({ ...v, [k]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    const job: Record<string, unknown> = { name: v.name, command: v.command, epsilon: v.epsilon, cpus: Number(v.cpus), mem: Number(v.mem) };
    if (v.kind === 'cron') job.cronSchedule = v.schedule;
    else job.schedule = v.schedule;
    if (v.scheduleTimeZone) job.scheduleTimeZone = v.scheduleTimeZone;
    const a = await call('POST', `${API}/iso8601`, job);
    if (a.ok) return void (location.hash = '#/jobs');
    setMessage(typeof a.body === 'string' && a.body ? `${a.body} (${a.status})` : messageOf(a));
  };
  const field = (k: string, label: string) => (
    <label class="field">
      <span>{label}</span>
      <input name={k} value={v[k]} onInput={set(k)} />
    </label>
  );
  return (
    <form class="card form" onSubmit={(e) => void submit(e)} data-testid="job-form">
      <h2>Create a job</h2>
      {field('name', 'Name')}
      {field('command', 'Command')}
      <label class="field">
        <span>Schedule kind</span>
        <select name="kind" value={v.kind} onChange={set('kind')}>
          <option value="iso8601">ISO 8601 repeating interval (R/start/period)</option>
          <option value="cron">cron</option>
        </select>
      </label>
      {field('schedule', v.kind === 'cron' ? 'Cron expression' : 'Schedule (R/2030-01-01T00:00:00Z/PT1H)')}
      {field('scheduleTimeZone', 'Time zone (e.g. Europe/Paris; empty for UTC)')}
      {field('epsilon', 'Epsilon (how late a run may start)')}
      {field('cpus', 'CPUs')}
      {field('mem', 'Memory (MiB)')}
      <ErrorLine text={message} />
      <button type="submit">Create</button> <a href="#/jobs">Cancel</a>
    </form>
  );
}

interface Stat {
  taskStatHistory: { taskId: string; startTime: string; endTime: string; duration: number; status: string }[];
  skipped?: { count: number };
}

export function JobPage({ name }: { name: string }) {
  const job = useLive<ChronosJob>(`${API}/job/${encodeURIComponent(name)}`, { pollMs: 2_000 });
  const stat = useLive<Stat>(`${API}/job/stat/${encodeURIComponent(name)}`, { pollMs: 2_000 });
  const history = [...(stat.data?.taskStatHistory ?? [])].reverse();
  return (
    <div>
      <ErrorLine text={job.error} />
      {job.data && (
        <Card title={job.data.name}>
          <p>
            <code>{job.data.command}</code>
          </p>
          <p class="muted">
            {jobRows([job.data])[0]!.trigger} · {job.data.successCount ?? 0} succeeded, {job.data.errorCount ?? 0} failed
            {stat.data?.skipped?.count ? `, ${stat.data.skipped.count} skipped` : ''}
          </p>
        </Card>
      )}
      {job.data && <EditJob job={job.data} onSaved={() => job.reload()} />}
      <h2>Run history</h2>
      <table class="list" data-testid="job-history">
        <thead>
          <tr>
            <th>Task</th>
            <th>Started</th>
            <th>Ended</th>
            <th>Duration</th>
            <th>Outcome</th>
          </tr>
        </thead>
        <tbody>
          {history.map((r) => (
            <tr key={r.taskId} data-testid="run">
              <td class="muted">{r.taskId}</td>
              <td>{when(r.startTime)}</td>
              <td>{when(r.endTime)}</td>
              <td>{(r.duration / 1000).toFixed(1)} s</td>
              <td data-testid="outcome">{r.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {history.length === 0 && <p class="muted">no finished run yet</p>}
    </div>
  );
}

/** The job as JSON to edit and save (Chronos saves by name: a dependent job at /dependency); its 400 shown as it says it. */
function EditJob({ job, onSaved }: { job: ChronosJob; onSaved: () => void }) {
  const [text, setText] = useState<string>();
  const [message, setMessage] = useState<string>();
  const save = async () => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text ?? '') as Record<string, unknown>;
    } catch (err) {
      setMessage(`the JSON does not parse: ${(err as Error).message}`);
      return;
    }
    if (body.name !== job.name) return setMessage(`the name cannot change (${job.name}): create a new job instead`);
    const a = await call('POST', `${API}/${Array.isArray(body.parents) && body.parents.length ? 'dependency' : 'iso8601'}`, body);
    if (!a.ok) return setMessage(typeof a.body === 'string' && a.body ? `${a.body} (${a.status})` : messageOf(a));
    setText(undefined);
    setMessage(undefined);
    onSaved();
  };
  if (text === undefined)
    return (
      <p>
        <button onClick={() => setText(JSON.stringify(job, null, 2))}>Edit job</button>
      </p>
    );
  return (
    <div class="card form" data-testid="edit-job">
      <textarea name="job" rows={14} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      <ErrorLine text={message} />
      <button onClick={() => void save()}>Save</button> <button onClick={() => setText(undefined)}>Cancel</button>
    </div>
  );
}
