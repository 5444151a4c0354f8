import { useEffect, useState } from 'preact/hooks';
import { get } from '../api/client';
import { useLive } from '../api/live';
import { appendRead, findTask, healthOf, sandboxOf, taskRows, type AgentState, type TaskState } from '@strata/operator-model';
import { Card, ErrorLine } from '../components/bits';
import { Spacer, useRowWindow } from '../components/virtual-rows';

const ROW_HEIGHT = 34;

export function Tasks() {
  const master = useLive<TaskState>('/mesos/master/state', { pollMs: 2_000 });
  const [text, setText] = useState('');
  const [completed, setCompleted] = useState(false);
  const rows = master.data ? taskRows(master.data, { text, completed }) : [];
  const { ref, win, windowed } = useRowWindow(rows.length, ROW_HEIGHT);
  return (
    <div>
      <p class="filters">
        <input name="filter" placeholder="filter: id, name, state, framework, host" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />{' '}
        <label>
          <input type="checkbox" name="completed" checked={completed} onChange={(e) => setCompleted((e.target as HTMLInputElement).checked)} /> completed too
        </label>
      </p>
      <ErrorLine text={master.error} />
      <table class="list" data-testid="tasks">
        <thead>
          <tr>
            <th>Task</th>
            <th>Name</th>
            <th>Framework</th>
            <th>State</th>
            <th>Host</th>
          </tr>
        </thead>
        <tbody ref={ref} class={windowed ? 'windowed' : undefined}>
          <Spacer height={win.before} cols={5} />
          {rows.slice(win.start, win.end).map((t) => (
            <tr key={t.id} data-testid={`task-${t.id}`}>
              <td>
                <a href={`#/tasks/${encodeURIComponent(t.id)}`}>{t.id}</a>
              </td>
              <td>{t.name}</td>
              <td>{t.framework}</td>
              <td data-testid="state">{t.state}</td>
              <td>{t.host}</td>
            </tr>
          ))}
          <Spacer height={win.after} cols={5} />
        </tbody>
      </table>
      <p class="muted" data-testid="count-tasks">
        {rows.length} task{rows.length === 1 ? '' : 's'}
      </p>
    </div>
  );
}

export function TaskPage({ id }: { id: string }) {
  const master = useLive<TaskState>('/mesos/master/state', { pollMs: 2_000 });
  const task = master.data && findTask(master.data, id);
  const agent = useLive<AgentState>(task ? `/agent/${encodeURIComponent(task.slave_id)}/state` : '', { pollMs: 5_000 });
  const sandbox = agent.data && sandboxOf(agent.data, id);
  const [which, setWhich] = useState<'stdout' | 'stderr'>('stdout');
  return (
    <div>
      <ErrorLine text={master.error} />
      {master.data && !task && <p class="error">no task {id} is known to the master</p>}
      {task && (
        <div class="grid">
          <Card title="State" testId="task-state">
            <p>
              <b data-testid="current-state">{task.state}</b> on {task.host} ({task.framework})
            </p>
            {task.message && <p class="muted">{task.message}</p>}
            {(() => {
              const h = healthOf(task);
              return h ? (
                <p data-testid="task-health" class={h.healthy ? '' : 'why'}>
                  {h.healthy ? 'healthy' : 'unhealthy'} <span class="muted">since {new Date(h.at * 1000).toLocaleTimeString()}</span>
                </p>
              ) : null;
            })()}
            <ol class="history">
              {(task.statuses ?? []).map((s) => (
                <li key={`${s.state}${s.timestamp}`}>
                  {s.state}
                  {s.healthy === undefined ? '' : s.healthy ? ' (healthy)' : ' (unhealthy)'} <span class="muted">{new Date(s.timestamp * 1000).toLocaleTimeString()}</span>
                </li>
              ))}
            </ol>
          </Card>
          <Card title="Sandbox" testId="sandbox">
            {sandbox ? <Files agentId={task.slave_id} dir={sandbox} /> : <p class="muted">{agent.error ? `agent: ${agent.error}` : 'the agent has no sandbox for it (any more)'}</p>}
          </Card>
        </div>
      )}
      {task && sandbox && (
        <section class="card log">
          <p>
            {(['stdout', 'stderr'] as const).map((w) => (
              <button key={w} class={w === which ? 'active' : ''} onClick={() => setWhich(w)}>
                {w}
              </button>
            ))}
          </p>
          <Follow key={which} url={`/agent/${encodeURIComponent(task.slave_id)}/files/read?path=${encodeURIComponent(`${sandbox}/${which}`)}`} />
        </section>
      )}
    </div>
  );
}

function Files({ agentId, dir }: { agentId: string; dir: string }) {
  const list = useLive<{ path: string; size: number; mode: string }[]>(`/agent/${encodeURIComponent(agentId)}/files/browse?path=${encodeURIComponent(dir)}`, { pollMs: 5_000 });
  return (
    <table class="list" data-testid="files">
      <tbody>
        {(list.data ?? []).map((f) => (
          <tr key={f.path}>
            <td>
              <a href={`/agent/${encodeURIComponent(agentId)}/files/download?path=${encodeURIComponent(f.path)}`}>{f.path.split('/').pop()}</a>
            </td>
            <td class="muted">{f.mode}</td>
            <td>{f.size} B</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A sandbox file that follows as it grows (as `strata logs --follow`): read from the last offset every second. */
function Follow({ url }: { url: string }) {
  const [log, setLog] = useState({ text: '', offset: 0 });
  const [error, setError] = useState<string>();
  useEffect(() => {
    let alive = true;
    let at = { text: '', offset: 0 };
    const tick = async () => {
      for (;;) {
        const a = await get<{ data: string; offset: number }>(`${url}&offset=${at.offset}&length=65536`).catch((e: Error) => ({ ok: false, status: 0, body: { data: '', offset: -2 }, error: e.message }));
        if (!alive) return;
        if (!a.ok) {
          // Not there yet (404) is not an error: the task may not have written.
          setError(a.status === 404 ? undefined : `cannot read: HTTP ${a.status}`);
          return;
        }
        setError(undefined);
        const next = appendRead(at, a.body);
        if (next === at) return;
        at = next;
        setLog(at);
      }
    };
    void tick();
    const t = setInterval(() => void tick(), 1_000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [url]);
  return (
    <div>
      <ErrorLine text={error} />
      <pre data-testid="log">{log.text}</pre>
    </div>
  );
}
