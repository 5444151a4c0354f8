import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { UNAUTHENTICATED_EVENT, currentUser, logout } from './api/session';
import { Dashboard } from './views/dashboard';
import { Login } from './views/login';
import { JobPage, Jobs, NewJob } from './views/jobs';
import { NodePage, Nodes } from './views/nodes';
import { Roles } from './views/roles';
import { AppPage, NewService, Services } from './views/services';
import { TaskPage, Tasks } from './views/tasks';

const VIEWS: Record<string, { title: string; view: () => preact.JSX.Element; nav?: boolean }> = {
  '#/dashboard': { title: 'Dashboard', view: Dashboard, nav: true },
  '#/services': { title: 'Services', view: () => <Services />, nav: true },
  '#/services/new': { title: 'Run a service', view: NewService },
  '#/tasks': { title: 'Tasks', view: Tasks, nav: true },
  '#/jobs': { title: 'Jobs', view: Jobs, nav: true },
  '#/jobs/new': { title: 'Create a job', view: NewJob },
  '#/nodes': { title: 'Nodes', view: Nodes, nav: true },
  '#/roles': { title: 'Roles', view: Roles, nav: true },
};

/** A page with a parameter: `#/jobs/NAME`. */
function paged(hash: string): { title: string; view: () => preact.JSX.Element } | undefined {
  const job = /^#\/jobs\/(.+)$/.exec(hash);
  if (job) {
    const name = decodeURIComponent(job[1]!);
    return { title: `Job ${name}`, view: () => <JobPage name={name} /> };
  }
  const group = /^#\/services\/group\/(.+)$/.exec(hash);
  if (group) {
    const id = decodeURIComponent(group[1]!);
    return { title: id === '/' ? 'Services' : `Services ${id}`, view: () => <Services key={id} group={id} /> };
  }
  const app = /^#\/services\/app\/(.+)$/.exec(hash);
  if (app) {
    const id = decodeURIComponent(app[1]!);
    return { title: `Service ${id}`, view: () => <AppPage key={id} id={id} /> };
  }
  const node = /^#\/nodes\/(.+)$/.exec(hash);
  if (node) {
    const id = decodeURIComponent(node[1]!);
    return { title: `Node ${id}`, view: () => <NodePage key={id} id={id} /> };
  }
  const task = /^#\/tasks\/(.+)$/.exec(hash);
  if (task) {
    const id = decodeURIComponent(task[1]!);
    return { title: `Task ${id}`, view: () => <TaskPage id={id} /> };
  }
  return undefined;
}

function App() {
  const [hash, setHash] = useState(location.hash || '#/dashboard');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/dashboard');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const [needsLogin, setNeedsLogin] = useState(false);
  useEffect(() => {
    const on = () => setNeedsLogin(true);
    addEventListener(UNAUTHENTICATED_EVENT, on);
    return () => removeEventListener(UNAUTHENTICATED_EVENT, on);
  }, []);
  const user = currentUser();
  const current = needsLogin ? { title: 'Log in', view: () => <Login onDone={() => location.reload()} /> } : VIEWS[hash] ?? paged(hash) ?? VIEWS['#/dashboard']!;
  const View = current.view;
  return (
    <div class="shell">
      <nav>
        <h1>Strata</h1>
        {Object.entries(VIEWS)
          .filter(([, v]) => v.nav)
          .map(([h, v]) => (
            <a key={h} href={h} class={hash === h || hash.startsWith(`${h}/`) ? 'active' : ''}>
              {v.title}
            </a>
          ))}
        {user && (
          <p class="muted" data-testid="user">
            {user}{' '}
            <a href="#/dashboard" onClick={() => void logout().then(() => location.reload())}>
              log out
            </a>
          </p>
        )}
      </nav>
      <main>
        <h1 data-testid="view-title">{current.title}</h1>
        <View />
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
