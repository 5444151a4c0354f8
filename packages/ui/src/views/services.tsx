import { useState } from 'preact/hooks';
import { call, messageOf } from '../api/client';
import { useLive } from '../api/live';
import { deploymentProgress, fieldErrors, launchReasons, type MarathonDeployment, serviceHealth, serviceStatus, type MarathonApp, type QueueEntry } from '@strata/operator-model';
import { ErrorLine } from '../components/bits';
import { Spacer, useRowWindow } from '../components/virtual-rows';

/** A windowed row's height (see .windowed in app.css): the status cell shows at most three lines then (status, deployment, the first reason). */
const ROW_HEIGHT = 80;

export function Services() {
  const apps = useLive<{ apps: MarathonApp[] }>('/marathon/v2/apps?embed=apps.deployments&embed=apps.counts', { events: true });
  const queue = useLive<{ queue: QueueEntry[] }>('/marathon/v2/queue', { events: true, pollMs: 2_000 });
  const deployments = useLive<MarathonDeployment[]>('/marathon/v2/deployments', { events: true });
  const [error, setError] = useState<string>();
  const list = apps.data?.apps ?? [];
  const { ref, win, windowed } = useRowWindow(list.length, ROW_HEIGHT);
  const act = async (method: string, path: string, body?: unknown) => {
    const a = await call(method, path, body);
    setError(a.ok ? undefined : messageOf(a));
    apps.reload();
  };
  return (
    <div>
      <p>
        <a href="#/services/new" class="button" data-testid="new-service">
          Run a service
        </a>
      </p>
      <ErrorLine text={error ?? apps.error} />
      <table class="list" data-testid="services">
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th>Health</th>
            <th>Instances</th>
            <th>CPU</th>
            <th>Mem</th>
            <th />
          </tr>
        </thead>
        <tbody ref={ref} class={windowed ? 'windowed' : undefined}>
          <Spacer height={win.before} cols={7} />
          {list.slice(win.start, win.end).map((a) => (
            <tr key={a.id} data-testid={`service-${a.id}`}>
              <td>{a.id}</td>
              <td data-testid="status">
                {serviceStatus(a, queue.data?.queue)}
                {(() => {
                  const p = deploymentProgress(deployments.data ?? [], a.id);
                  return p && <div class="muted" data-testid="deployment">{p}</div>;
                })()}
                {launchReasons(queue.data?.queue.find((q) => q.app?.id === a.id))
                  .slice(0, windowed ? 1 : undefined)
                  .map((why) => (
                  <div key={why} class="why" data-testid="why">
                    {why}
                  </div>
                ))}
              </td>
              <td>{serviceHealth(a)}</td>
              <td data-testid="instances">
                {a.tasksRunning ?? 0}/{a.instances}
              </td>
              <td>{a.cpus}</td>
              <td>{a.mem}</td>
              <td class="actions">
                <button
                  onClick={() => {
                    const to = prompt(`Scale ${a.id} to how many instances?`, String(a.instances));
                    if (to !== null) void act('PUT', `/marathon/v2/apps${a.id}`, { instances: Number(to) });
                  }}
                >
                  Scale
                </button>
                <button onClick={() => void act('PUT', `/marathon/v2/apps${a.id}`, { instances: 0 })}>Suspend</button>
                <button onClick={() => void act('POST', `/marathon/v2/apps${a.id}/restart`)}>Restart</button>
                <button
                  class="danger"
                  onClick={() => {
                    if (confirm(`Destroy ${a.id}?`)) void act('DELETE', `/marathon/v2/apps${a.id}`);
                  }}
                >
                  Destroy
                </button>
              </td>
            </tr>
          ))}
          <Spacer height={win.after} cols={7} />
        </tbody>
      </table>
      <p class="muted" data-testid="count-services">
        {list.length} service{list.length === 1 ? '' : 's'}
      </p>
    </div>
  );
}

const FIELDS: { name: string; label: string; kind: 'text' | 'number' }[] = [
  { name: 'id', label: 'Service ID', kind: 'text' },
  { name: 'cmd', label: 'Command', kind: 'text' },
  { name: 'instances', label: 'Instances', kind: 'number' },
  { name: 'cpus', label: 'CPUs', kind: 'number' },
  { name: 'mem', label: 'Memory (MiB)', kind: 'number' },
  { name: 'disk', label: 'Disk (MiB)', kind: 'number' },
];

/** Create from a form or from JSON; Marathon's 422 details are shown beside their fields. */
export function NewService() {
  const [values, setValues] = useState<Record<string, string>>({ id: '', cmd: '', instances: '1', cpus: '0.1', mem: '32', disk: '0' });
  const [json, setJson] = useState<string>();
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<string>();
  const definition = () => (json !== undefined ? (JSON.parse(json) as unknown) : Object.fromEntries(FIELDS.map((f) => [f.name, f.kind === 'number' ? Number(values[f.name]) : values[f.name]])));
  const submit = async (e: Event) => {
    e.preventDefault();
    let body: unknown;
    try {
      body = definition();
    } catch (err) {
      setMessage(`the JSON does not parse: ${(err as Error).message}`);
      return;
    }
    const a = await call('POST', '/marathon/v2/apps', body);
    if (a.ok) {
      location.hash = '#/services';
      return;
    }
    setErrors(fieldErrors(a.body));
    setMessage(messageOf(a));
  };
  return (
    <form class="card form" onSubmit={(e) => void submit(e)} data-testid="service-form">
      <h2>Run a service</h2>
      <p>
        <label>
          <input type="checkbox" checked={json !== undefined} onChange={(e) => setJson((e.target as HTMLInputElement).checked ? JSON.stringify(definition(), null, 2) : undefined)} /> JSON editor
        </label>
      </p>
      {json === undefined ? (
        FIELDS.map((f) => (
          <label key={f.name} class="field">
            <span>{f.label}</span>
            <input name={f.name} type={f.kind === 'number' ? 'text' : 'text'} value={values[f.name]} onInput={(e) => setValues({ ...values, [f.name]: (e.target as HTMLInputElement).value })} aria-invalid={errors[f.name] ? 'true' : 'false'} />
            {errors[f.name] && (
              <em class="field-error" data-testid={`error-${f.name}`}>
                {errors[f.name]!.join('; ')}
              </em>
            )}
          </label>
        ))
      ) : (
        <textarea name="json" rows={14} value={json} onInput={(e) => setJson((e.target as HTMLTextAreaElement).value)} />
      )}
      {errors._form && <em class="field-error">{errors._form.join('; ')}</em>}
      {json !== undefined && Object.keys(errors).filter((k) => k !== '_form').length > 0 && (
        <ul class="field-error" data-testid="json-errors">
          {Object.entries(errors).filter(([k]) => k !== '_form').map(([k, v]) => <li key={k}>{k}: {v.join('; ')}</li>)}
        </ul>
      )}
      <ErrorLine text={message} />
      <button type="submit">Create</button> <a href="#/services">Cancel</a>
    </form>
  );
}
