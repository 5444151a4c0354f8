import { useState } from 'preact/hooks';
import { call, get, messageOf } from '../api/client';
import { useLive } from '../api/live';
import { definitionDiff, deploymentProgress, editableDefinition, fieldErrors, groupTrail, launchReasons, searchApps, serviceHealth, serviceLevel, serviceStatus, type GroupRow, type MarathonApp, type MarathonDeployment, type QueueEntry } from '@strata/operator-model';
import { Card, ErrorLine } from '../components/bits';
import { Spacer, useRowWindow } from '../components/virtual-rows';

/** A windowed row's height (see .windowed in app.css): the status cell shows at most three lines then (status, deployment, the first reason). */
const ROW_HEIGHT = 80;

const groupHash = (id: string) => `#/services/group/${encodeURIComponent(id)}`;
export const appHash = (id: string) => `#/services/app/${encodeURIComponent(id)}`;

/** Marathon's queue and deployments, following /v2/events: a service's status beyond its counts. */
function useProgress() {
  const queue = useLive<{ queue: QueueEntry[] }>('/marathon/v2/queue', { events: true, pollMs: 2_000 });
  const deployments = useLive<MarathonDeployment[]>('/marathon/v2/deployments', { events: true });
  return { queue, deployments };
}

/** A write to an API: its error shown as one line, what shows the result reloaded. */
function useAct(reload: () => void) {
  const [error, setError] = useState<string>();
  const act = async (method: string, path: string, body?: unknown) => {
    const a = await call(method, path, body);
    setError(a.ok ? undefined : messageOf(a));
    reload();
    return a.ok;
  };
  return { error, setError, act };
}

/** Scale, suspend, restart, destroy: the same buttons on the list and on an app's page. */
function AppActions({ app, act, onDestroyed }: { app: MarathonApp; act: (method: string, path: string, body?: unknown) => Promise<boolean>; onDestroyed?: () => void }) {
  return (
    <>
      <button
        onClick={() => {
          const to = prompt(`Scale ${app.id} to how many instances?`, String(app.instances));
          if (to !== null) void act('PUT', `/marathon/v2/apps${app.id}`, { instances: Number(to) });
        }}
      >
        Scale
      </button>
      <button onClick={() => void act('PUT', `/marathon/v2/apps${app.id}`, { instances: 0 })}>Suspend</button>
      <button onClick={() => void act('POST', `/marathon/v2/apps${app.id}/restart`)}>Restart</button>
      <button
        class="danger"
        onClick={() => {
          if (confirm(`Destroy ${app.id}?`)) void act('DELETE', `/marathon/v2/apps${app.id}`).then((ok) => ok && onDestroyed?.());
        }}
      >
        Destroy
      </button>
    </>
  );
}

type Row = { kind: 'group'; group: GroupRow } | { kind: 'app'; app: MarathonApp };

/**
 * Services as DC/OS shows them: the groups of a level as folders (what they hold, all levels
 * down), then its apps; a search lists matching apps from every level. Long lists are windowed.
 */
export function Services({ group = '/' }: { group?: string }) {
  const apps = useLive<{ apps: MarathonApp[] }>('/marathon/v2/apps?embed=apps.deployments&embed=apps.counts', { events: true });
  const { queue, deployments } = useProgress();
  const { error, act } = useAct(() => apps.reload());
  const [text, setText] = useState('');
  const all = apps.data?.apps ?? [];
  const level = text.trim() ? { groups: [], apps: searchApps(all, text) } : serviceLevel(all, group);
  const rows: Row[] = [...level.groups.map((g) => ({ kind: 'group' as const, group: g })), ...level.apps.map((a) => ({ kind: 'app' as const, app: a }))];
  const { ref, win, windowed } = useRowWindow(rows.length, ROW_HEIGHT);
  return (
    <div>
      <p class="filters">
        <a href="#/services/new" class="button" data-testid="new-service">
          Run a service
        </a>{' '}
        <input name="search" placeholder="search every service by id" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
      </p>
      <p class="trail" data-testid="trail">
        {groupTrail(group).map((g, i) => (
          <span key={g}>
            {i > 0 && ' / '}
            <a href={g === '/' ? '#/services' : groupHash(g)}>{g === '/' ? 'Services' : g.split('/').pop()}</a>
          </span>
        ))}
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
          {rows.slice(win.start, win.end).map((r) =>
            r.kind === 'group' ? (
              <tr key={r.group.id} data-testid={`group-${r.group.id}`}>
                <td>
                  <a href={groupHash(r.group.id)} class="folder">{r.group.id.split('/').pop()}/</a>
                </td>
                <td data-testid="status">
                  {r.group.apps} app{r.group.apps === 1 ? '' : 's'}
                  {r.group.deploying > 0 && <div class="muted">{r.group.deploying} deploying</div>}
                </td>
                <td />
                <td data-testid="instances">
                  {r.group.running}/{r.group.instances}
                </td>
                <td />
                <td />
                <td />
              </tr>
            ) : (
              <tr key={r.app.id} data-testid={`service-${r.app.id}`}>
                <td>
                  <a href={appHash(r.app.id)}>{text.trim() ? r.app.id : r.app.id.split('/').pop()}</a>
                </td>
                <td data-testid="status">
                  {serviceStatus(r.app, queue.data?.queue)}
                  {(() => {
                    const p = deploymentProgress(deployments.data ?? [], r.app.id);
                    return p && <div class="muted" data-testid="deployment">{p}</div>;
                  })()}
                  {launchReasons(queue.data?.queue.find((q) => q.app?.id === r.app.id))
                    .slice(0, windowed ? 1 : undefined)
                    .map((why) => (
                      <div key={why} class="why" data-testid="why">
                        {why}
                      </div>
                    ))}
                </td>
                <td>{serviceHealth(r.app)}</td>
                <td data-testid="instances">
                  {r.app.tasksRunning ?? 0}/{r.app.instances}
                </td>
                <td>{r.app.cpus}</td>
                <td>{r.app.mem}</td>
                <td class="actions">
                  <AppActions app={r.app} act={act} />
                </td>
              </tr>
            ),
          )}
          <Spacer height={win.after} cols={7} />
        </tbody>
      </table>
      <p class="muted" data-testid="count-services">
        {level.apps.length} service{level.apps.length === 1 ? '' : 's'}
        {level.groups.length ? ` and ${level.groups.length} group${level.groups.length === 1 ? '' : 's'}` : ''}
      </p>
    </div>
  );
}

interface AppDetail extends MarathonApp {
  cmd?: string;
  container?: { docker?: { image?: string } };
  version?: string;
  tasks?: { id: string; state: string; host: string; startedAt?: string }[];
  lastTaskFailure?: { state: string; message?: string; timestamp?: string; host?: string };
}

/** An app: its state and why it is not launching, its tasks, its definition to edit, its versions to compare and roll back to. */
export function AppPage({ id }: { id: string }) {
  const { queue, deployments } = useProgress();
  const app = useLive<{ app: AppDetail }>(`/marathon/v2/apps${id}?embed=app.counts&embed=app.deployments&embed=app.lastTaskFailure`, { events: true });
  const versions = useLive<{ versions: string[] }>(`/marathon/v2/apps${id}/versions`, { events: true });
  const { error, setError, act: run } = useAct(() => (app.reload(), versions.reload()));
  const a = app.data?.app;
  if (!a) return <ErrorLine text={app.error ?? undefined} />;
  const reasons = launchReasons(queue.data?.queue.find((q) => q.app?.id === a.id));
  return (
    <div>
      <p class="trail">
        <a href={groupHash(a.id.split('/').slice(0, -1).join('/') || '/')}>← {a.id.split('/').slice(0, -1).join('/') || 'Services'}</a>
      </p>
      <ErrorLine text={error} />
      <Card title={a.id} testId="app-summary">
        <p data-testid="status">
          {serviceStatus(a, queue.data?.queue)} · {a.tasksRunning ?? 0}/{a.instances} running · {serviceHealth(a)}
        </p>
        <p class="muted">
          <code>{a.cmd ?? a.container?.docker?.image ?? ''}</code> · {a.cpus} cpus · {a.mem} MiB
        </p>
        {(() => {
          const p = deploymentProgress(deployments.data ?? [], a.id);
          return p && <p data-testid="deployment">{p}</p>;
        })()}
        {reasons.map((why) => (
          <div key={why} class="why" data-testid="why">
            {why}
          </div>
        ))}
        {a.lastTaskFailure && (
          <p class="why" data-testid="last-failure">
            last task failure: {a.lastTaskFailure.state}
            {a.lastTaskFailure.timestamp ? ` at ${a.lastTaskFailure.timestamp}` : ''}
            {a.lastTaskFailure.message ? `: ${a.lastTaskFailure.message}` : ''}
          </p>
        )}
        <p class="actions">
          <AppActions app={a} act={run} onDestroyed={() => (location.hash = '#/services')} />
        </p>
      </Card>
      <h2>Tasks</h2>
      <table class="list" data-testid="app-tasks">
        <tbody>
          {(a.tasks ?? []).map((t) => (
            <tr key={t.id}>
              <td>
                <a href={`#/tasks/${encodeURIComponent(t.id)}`}>{t.id}</a>
              </td>
              <td>{t.state}</td>
              <td>{t.host}</td>
              <td class="muted">{t.startedAt ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <EditDefinition app={a} onSaved={() => (app.reload(), versions.reload())} setError={setError} />
      <Versions id={a.id} current={a} versions={versions.data?.versions ?? []} rollback={(v) => run('PUT', `/marathon/v2/apps${a.id}`, { version: v })} />
    </div>
  );
}

/** The definition in a JSON editor; Marathon's 422 details listed by field. */
function EditDefinition({ app, onSaved, setError }: { app: AppDetail; onSaved: () => void; setError: (e?: string) => void }) {
  const [text, setText] = useState<string>();
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const save = async () => {
    let body: unknown;
    try {
      body = JSON.parse(text ?? '');
    } catch (err) {
      setError(`the JSON does not parse: ${(err as Error).message}`);
      return;
    }
    const r = await call('PUT', `/marathon/v2/apps${app.id}`, body);
    if (r.ok) {
      setText(undefined);
      setErrors({});
      setError(undefined);
      onSaved();
      return;
    }
    setErrors(fieldErrors(r.body));
    setError(messageOf(r));
  };
  if (text === undefined)
    return (
      <p>
        <button onClick={() => setText(JSON.stringify(editableDefinition(app as unknown as Record<string, unknown>), null, 2))}>Edit definition</button>
      </p>
    );
  return (
    <div class="card form" data-testid="edit-definition">
      <textarea name="definition" rows={16} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      {Object.keys(errors).length > 0 && (
        <ul class="field-error" data-testid="json-errors">
          {Object.entries(errors).map(([k, v]) => (
            <li key={k}>
              {k}: {v.join('; ')}
            </li>
          ))}
        </ul>
      )}
      <button onClick={() => void save()}>Save</button> <button onClick={() => setText(undefined)}>Cancel</button>
    </div>
  );
}

/** The app's versions, newest first; one picked shows what rolling back to it would change. */
function Versions({ id, current, versions, rollback }: { id: string; current: AppDetail; versions: string[]; rollback: (v: string) => Promise<boolean> }) {
  const [picked, setPicked] = useState<{ version: string; definition: Record<string, unknown> }>();
  const pick = async (v: string) => {
    const r = await get<Record<string, unknown>>(`/marathon/v2/apps${id}/versions/${encodeURIComponent(v)}`);
    if (r.ok) setPicked({ version: v, definition: r.body });
  };
  const changes = picked ? definitionDiff(current as unknown as Record<string, unknown>, picked.definition) : [];
  return (
    <div>
      <h2>Versions</h2>
      <ul class="history" data-testid="versions">
        {versions.map((v) => (
          <li key={v}>
            <a href="javascript:void 0" data-testid="version" onClick={() => void pick(v)}>
              {v}
            </a>
            {v === current.version ? ' (current)' : ''}
          </li>
        ))}
      </ul>
      {picked && (
        <Card title={`Rolling back to ${picked.version} would change`} testId="version-diff">
          {changes.length === 0 ? (
            <p class="muted">nothing: it is the definition running now</p>
          ) : (
            <table class="list">
              <tbody>
                {changes.map((c) => (
                  <tr key={c.path} data-testid={`change-${c.path}`}>
                    <td>
                      <code>{c.path}</code>
                    </td>
                    <td class="from">{c.from === undefined ? '—' : JSON.stringify(c.from)}</td>
                    <td>→</td>
                    <td class="to">{c.to === undefined ? '—' : JSON.stringify(c.to)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p>
            <button disabled={changes.length === 0} onClick={() => void rollback(picked.version).then((ok) => ok && setPicked(undefined))}>
              Roll back to this version
            </button>
          </p>
        </Card>
      )}
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
