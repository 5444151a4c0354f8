import type { MarathonApp } from './summary';

/** A group as a row of the services tree: what is under it, all levels down. */
export interface GroupRow {
  id: string;
  apps: number;
  running: number;
  instances: number;
  deploying: number;
}

const normalized = (group: string) => (group === '/' || group === '' ? '/' : `/${group.replace(/^\/+|\/+$/g, '')}/`);

/**
 * One level of the services tree (DC/OS's folders): the groups right under `group`, each with
 * the apps it holds at any depth, then the apps right in it, both in id order. Groups are seen
 * through their apps (a group with no app in it has no row).
 */
export function serviceLevel(apps: readonly MarathonApp[], group: string): { groups: GroupRow[]; apps: MarathonApp[] } {
  const prefix = normalized(group);
  const groups = new Map<string, GroupRow>();
  const direct: MarathonApp[] = [];
  for (const a of apps) {
    if (!a.id.startsWith(prefix)) continue;
    const rest = a.id.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      direct.push(a);
      continue;
    }
    const id = prefix + rest.slice(0, slash);
    const g = groups.get(id) ?? { id, apps: 0, running: 0, instances: 0, deploying: 0 };
    g.apps++;
    g.running += a.tasksRunning ?? 0;
    g.instances += a.instances;
    if (a.deployments?.length) g.deploying++;
    groups.set(id, g);
  }
  const byId = (x: { id: string }, y: { id: string }) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  return { groups: [...groups.values()].sort(byId), apps: direct.sort(byId) };
}

/** The groups from the root down to `group`, for a breadcrumb: `/a/b` → ['/', '/a', '/a/b']. */
export function groupTrail(group: string): string[] {
  const parts = group.split('/').filter(Boolean);
  return ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
}

/** Apps whose id holds the text (any case), at any depth: the search box's flat list. */
export function searchApps(apps: readonly MarathonApp[], text: string): MarathonApp[] {
  const t = text.trim().toLowerCase();
  return apps.filter((a) => a.id.toLowerCase().includes(t)).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

/** One difference between two definitions: its JSON path, and the value on each side (absent: undefined). */
export interface FieldChange {
  path: string;
  from?: unknown;
  to?: unknown;
}

/** Fields Marathon sets itself on every version: not the user's change. */
const BOOKKEEPING = new Set(['version', 'versionInfo', 'deployments', 'tasks', 'tasksRunning', 'tasksStaged', 'tasksHealthy', 'tasksUnhealthy', 'lastTaskFailure', 'readinessCheckResults', 'taskStats']);

/**
 * What changed from one app definition to another, field by field (objects compared key by
 * key, arrays and values whole), in path order: what the versions view shows before a rollback.
 */
export function definitionDiff(from: Record<string, unknown>, to: Record<string, unknown>): FieldChange[] {
  const out: FieldChange[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const walk = (a: unknown, b: unknown, path: string) => {
    if (isObject(a) && isObject(b)) {
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        if (!path && BOOKKEEPING.has(k)) continue;
        walk(a[k], b[k], `${path}/${k}`);
      }
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, ...(a !== undefined ? { from: a } : {}), ...(b !== undefined ? { to: b } : {}) });
  };
  walk(from, to, '');
  return out;
}

/** The definition an operator edits: the app without what Marathon adds to it (counts, tasks, versions). */
export function editableDefinition(app: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(app).filter(([k]) => !BOOKKEEPING.has(k)));
}
