import { MarathonAuthz } from './authz';
import type { Express, Request, Response } from 'express';
import { StrataError } from '@strata/lib';
import type { Marathon } from '../marathon';
import { servicePortsOf } from '../model/networking';
import { isTerminalState } from '@strata/proto';
import type { AppDefinition } from '../model/app-definition';
import { validateApp } from '../model/validation';
import { appIdProblems, resolvePathId } from '../model/path-id';
import { MAX_ID_LENGTH } from '../model/limits';
import { isHealthy, type Instance } from '../instances/instance';
import type { Repository } from '../state/repository';
import { invalid, notFoundApp, deploymentResult, queryFlag } from './responses';

const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());

/** Marathon's Task JSON for an instance's current task. */
export function taskJson(m: Marathon, i: Instance) {
  const app = m.apps.get(i.appId);
  return {
    id: i.taskId,
    appId: i.appId,
    host: i.host,
    ports: i.ports,
    servicePorts: app ? servicePortsOf(app) : [],
    slaveId: i.agentId,
    stagedAt: i.stagedAt,
    ...(i.startedAt ? { startedAt: i.startedAt } : {}),
    version: i.appVersion,
    state: i.state,
    ipAddresses: i.host ? [{ ipAddress: i.host, protocol: 'IPv4' }] : [],
    healthCheckResults: (app?.healthChecks ?? []).map((_, k) => i.health?.[k]).filter((h) => h && h.alive !== undefined).map((h) => ({
      alive: h!.alive,
      consecutiveFailures: h!.consecutiveFailures,
      firstSuccess: iso(h!.firstSuccess),
      lastSuccess: iso(h!.lastSuccess),
      lastFailure: iso(h!.lastFailure),
      lastFailureCause: h!.lastFailureCause ?? null,
      instanceId: i.instanceId,
    })),
    localVolumes: [],
    role: app?.role ?? '*',
  };
}

export function tasksOf(m: Marathon, appId: string) {
  return m.instances.ofApp(appId).filter((i) => i.taskId && i.state).map((i) => taskJson(m, i));
}

/** Marathon's task counts over some instances (tasksStaged, tasksRunning, tasksHealthy, tasksUnhealthy and taskStats all count this way). */
function countsOf(app: AppDefinition, list: Instance[]) {
  const checks = app.healthChecks.length;
  return {
    staged: list.filter((i) => i.state === 'TASK_STAGING' || i.state === 'TASK_STARTING').length,
    running: list.filter((i) => i.state === 'TASK_RUNNING').length,
    healthy: checks ? list.filter((i) => isHealthy(i, checks)).length : 0,
    unhealthy: checks ? list.filter((i) => i.state === 'TASK_RUNNING' && Object.values(i.health ?? {}).some((h) => h.alive === false)).length : 0,
  };
}

/** Marathon's task stats for a set of instances: their counts, and life times of the running ones. */
function statsOf(app: AppDefinition, list: Instance[], now: number) {
  if (list.length === 0) return undefined;
  const lives = list.filter((i) => i.state === 'TASK_RUNNING' && i.startedAt).map((i) => (now - Date.parse(i.startedAt!)) / 1000).sort((a, b) => a - b);
  return {
    stats: {
      counts: countsOf(app, list),
      ...(lives.length ? { lifeTime: { averageSeconds: lives.reduce((a, b) => a + b, 0) / lives.length, medianSeconds: lives[Math.floor(lives.length / 2)]! } } : {}),
    },
  };
}

/**
 * AppInfo: the definition with defaults, plus what `embed` asks for, with Marathon 1.10's names
 * (`tasks`, `counts`, `deployments`, `readiness`, `lastTaskFailure`, `failures`, `taskStats`;
 * unknown ones are ignored). Counts and deployments are always there, as in Marathon (legacy).
 */
export function appInfo(m: Marathon, app: AppDefinition, embed: Set<string>) {
  const inst = m.instances.ofApp(app.id).filter((i) => i.taskId);
  const counts = countsOf(app, inst);
  const info: Record<string, unknown> = {
    ...app,
    tasksStaged: counts.staged,
    tasksRunning: counts.running,
    tasksHealthy: counts.healthy,
    tasksUnhealthy: counts.unhealthy,
    deployments: m.lockedBy(app.id).map((id) => ({ id })),
  };
  const failures = embed.has('failures');
  if (embed.has('tasks') || failures) info.tasks = tasksOf(m, app.id);
  if ((embed.has('lastTaskFailure') || failures) && m.lastTaskFailure.has(app.id)) info.lastTaskFailure = m.lastTaskFailure.get(app.id);
  if (embed.has('readiness')) info.readinessCheckResults = inst.filter((i) => i.readiness).map((i) => ({ taskId: i.taskId, ...i.readiness }));
  if (embed.has('taskStats')) {
    const now = Date.now();
    const live = inst.filter((i) => i.state && !isTerminalState(i.state));
    const withLatest = live.filter((i) => i.appVersion === app.version);
    const afterScaling = live.filter((i) => i.stagedAt && i.stagedAt >= app.versionInfo.lastScalingAt);
    const stats: Record<string, unknown> = {};
    const add = (name: string, list: Instance[]) => {
      const st = statsOf(app, list, now);
      if (st) stats[name] = st;
    };
    add('startedAfterLastScaling', afterScaling);
    add('withLatestConfig', withLatest);
    add('withOutdatedConfig', live.filter((i) => i.appVersion !== app.version));
    add('totalSummary', live);
    info.taskStats = stats;
  }
  return info;
}

function embeds(req: Request, prefix: string): Set<string> {
  const raw = req.query.embed;
  const list = (Array.isArray(raw) ? raw : raw ? [raw] : []).map(String);
  return new Set(list.filter((e) => e.startsWith(prefix)).map((e) => e.slice(prefix.length)));
}

/** Marathon's label selector: `k`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, comma = and. */
export function matchesLabels(labels: Record<string, string>, selector: string): boolean {
  // Own keys only: `constructor` or `__proto__` must not match every app through the prototype.
  const has = (k: string) => Object.hasOwn(labels, k);
  const get = (k: string) => (has(k) ? labels[k] : undefined);
  const terms = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  return terms.every((raw) => {
    const t = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s*==\s*(.*)$/.exec(t))) return get(m[1]!) === m[2];
    if ((m = /^(\S+)\s*!=\s*(.*)$/.exec(t))) return get(m[1]!) !== m[2];
    if ((m = /^(\S+)\s+in\s*\((.*)\)$/.exec(t))) return has(m[1]!) && m[2]!.split(',').map((s) => s.trim()).includes(get(m[1]!)!);
    if ((m = /^(\S+)\s+notin\s*\((.*)\)$/.exec(t))) return !has(m[1]!) || !m[2]!.split(',').map((s) => s.trim()).includes(get(m[1]!)!);
    return has(t);
  });
}

/**
 * /v2/apps. App ids contain slashes, so everything under /v2/apps/ is one route that peels the
 * suffix off (`/restart`, `/tasks[/id]`, `/versions[/v]`) the way Marathon's greedy patterns do.
 */
export function addAppRoutes(app: Express, m: Marathon, repo: Repository, authz: MarathonAuthz = new MarathonAuthz()): void {
  app.get('/v2/apps', (req, res) => {
    const embed = embeds(req, 'apps.');
    const id = req.query.id ? String(req.query.id) : undefined;
    const cmd = req.query.cmd ? String(req.query.cmd).toLowerCase() : undefined;
    const label = req.query.label ? String(req.query.label) : undefined;
    const canRead = authz.canEach(res, 'read');
    const apps = [...m.apps.values()]
      .filter((a) => canRead(a.id) && (!id || a.id.includes(id)) && (!cmd || (a.cmd ?? '').toLowerCase().includes(cmd)) && (!label || matchesLabels(a.labels, label)))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((a) => appInfo(m, a, embed));
    res.json({ apps });
  });

  app.post('/v2/apps', async (req, res) => {
    const v = validateApp(req.body, { version: m.version(), limits: m.limits });
    if (!v.ok) return invalid(res, v.details);
    authz.require(res, 'create', v.app.id);
    if (m.apps.has(v.app.id)) throw new StrataError('CONFLICT', `An app with id [${v.app.id}] already exists.`, { status: 409 });
    const d = await m.deploy([{ after: v.app }], queryFlag(req, 'force', false));
    res.status(201).set('Location', v.app.id).set('Marathon-Deployment-Id', d.id);
    res.json({ ...appInfo(m, m.apps.get(v.app.id)!, new Set()), deployments: [{ id: d.id }] });
  });

  // Bulk create-or-update (PUT) and partial update (PATCH) in one deployment, dependency-ordered.
  const bulk = async (req: Request, res: Response) => {
    if (!Array.isArray(req.body)) return invalid(res, [{ path: '/', errors: ['error.expected.jsarray'] }]);
    const partial = req.method === 'PATCH' || queryFlag(req, 'partialUpdate', true);
    const version = m.version();
    const details: { path: string; errors: string[] }[] = [];
    const changes: { before?: AppDefinition; after: AppDefinition }[] = [];
    (req.body as unknown[]).forEach((raw, i) => {
      const rawId = (raw as { id?: unknown })?.id;
      const id = typeof rawId === 'string' ? resolvePathId(rawId) : undefined;
      if (!id) return void details.push({ path: `/${i}/id`, errors: ['is required and must be a valid path id'] });
      const existing = m.apps.get(id);
      if (req.method === 'PATCH' && !existing) return void details.push({ path: `/${i}/id`, errors: [`App '${id}' does not exist`] });
      const v = validateApp(raw, { id, base: partial ? existing : undefined, version, limits: m.limits });
      if (!v.ok) for (const d of v.details) details.push({ path: `/${i}${d.path === '/' ? '' : d.path}`, errors: d.errors });
      else changes.push({ before: existing, after: v.app });
    });
    if (details.length) return invalid(res, details);
    authz.requireChanges(res, changes);
    const d = await m.deploy(changes, queryFlag(req, 'force', false));
    deploymentResult(res, d, 200);
  };
  app.put('/v2/apps', bulk);
  app.patch('/v2/apps', bulk);

  app.all('/v2/apps/*path', async (req: Request, res: Response) => {
    const raw = ([] as string[]).concat((req.params as { path: string | string[] }).path).join('/');
    const parts = raw.split('/').filter(Boolean);
    let suffix: string[] = [];
    for (let i = parts.length - 1; i >= 1; i--) {
      if (['restart', 'tasks', 'versions'].includes(parts[i]!)) {
        suffix = parts.slice(i);
        parts.length = i;
        break;
      }
    }
    if (parts[parts.length - 1] === '*' && req.method === 'GET' && suffix.length === 0) {
      const group = resolvePathId(parts.slice(0, -1).join('/')) ?? '/';
      const canRead = authz.canEach(res, 'read');
      const apps = [...m.apps.values()].filter((a) => a.id.startsWith(group === '/' ? '/' : `${group}/`) && canRead(a.id)).map((a) => appInfo(m, a, new Set(['tasks', 'lastTaskFailure'])));
      return void res.json({ '*': apps });
    }
    const id = resolvePathId(parts.join('/'));
    if (!id || id === '/') {
      // A PUT creates: an id that cannot be an app is a 422, as for POST. Anything else names no app.
      if (req.method === 'PUT' && suffix.length === 0) return invalid(res, [{ path: '/id', errors: appIdProblems(parts.join('/').slice(0, MAX_ID_LENGTH + 1) || '/') }]);
      throw new StrataError('NOT_FOUND', `App '/${parts.join('/').slice(0, 300)}' does not exist`, { status: 404 });
    }
    const existing = m.apps.get(id);
    const force = queryFlag(req, 'force', false);

    if (suffix.length === 0) {
      switch (req.method) {
        case 'GET':
          if (!existing) return notFoundApp(res, id);
          authz.require(res, 'read', id);
          return void res.json({ app: appInfo(m, existing, new Set(['tasks', 'lastTaskFailure', ...embeds(req, 'app.')])) });
        case 'PUT':
        case 'PATCH': {
          // PATCH changes an app that exists: an unknown one is 404 whatever the body says.
          if (req.method === 'PATCH' && !existing) return notFoundApp(res, id);
          const rollbackTo = (req.body as { version?: unknown } | undefined)?.version;
          if (req.method === 'PUT' && rollbackTo !== undefined) {
            // Marathon's updateOrRollback: `{"version": V}` brings back the definition stored at V.
            if (!existing) return notFoundApp(res, id);
            if (typeof rollbackTo !== 'string') return invalid(res, [{ path: '/version', errors: ['error.expected.jsstring'] }]);
            const old = (await repo.appVersions(id)).find((v) => v.version === rollbackTo);
            if (!old) throw new StrataError('NOT_FOUND', `App '${id}' does not exist in version ${rollbackTo}`, { status: 404 });
            const version = m.version();
            authz.require(res, 'update', id);
            const d = await m.deploy([{ before: existing, after: { ...old, version, versionInfo: { lastScalingAt: version, lastConfigChangeAt: version } } }], force);
            return deploymentResult(res, d, 200);
          }
          const partial = req.method === 'PATCH' || queryFlag(req, 'partialUpdate', true);
          const v = validateApp(req.body, { id, base: partial ? existing : undefined, version: m.version(), limits: m.limits });
          if (!v.ok) return invalid(res, v.details);
          authz.requireChanges(res, [{ before: existing, after: v.app }]);
          const d = await m.deploy([{ before: existing, after: v.app }], force);
          return deploymentResult(res, d, existing ? 200 : 201);
        }
        case 'DELETE': {
          if (!existing) return notFoundApp(res, id);
          authz.require(res, 'delete', id);
          // Deletes always win (Marathon 1.10 defaults force=true here).
          const d = await m.deploy([{ before: existing }], queryFlag(req, 'force', true));
          return deploymentResult(res, d, 200);
        }
      }
    }
    if (!existing) return notFoundApp(res, id);
    // Reading an app's tasks or versions is reading it; restarting it or killing its tasks changes it.
    authz.require(res, req.method === 'GET' ? 'read' : 'update', id);
    const [what, arg] = suffix;
    if (what === 'restart' && req.method === 'POST' && !arg) {
      const version = m.version();
      const d = await m.deploy([{ before: existing, after: { ...existing, version, versionInfo: { lastScalingAt: version, lastConfigChangeAt: version } }, restart: true }], force);
      return deploymentResult(res, d, 200);
    }
    if (what === 'tasks' && req.method === 'GET' && !arg) return void res.json({ tasks: tasksOf(m, id) });
    if (what === 'tasks' && req.method === 'DELETE') {
      const scale = queryFlag(req, 'scale', false);
      if (scale && queryFlag(req, 'wipe', false)) throw new StrataError('INVALID', 'You cannot use scale and wipe at the same time.', { status: 400 });
      const host = req.query.host ? String(req.query.host) : undefined;
      const ids = arg
        ? [arg]
        : m.instances.ofApp(id).filter((i) => i.taskId && i.goal === 'running' && (!host || i.host === host)).map((i) => i.taskId!);
      if (arg && m.instanceByTask(arg)?.appId !== id) throw new StrataError('NOT_FOUND', `Task '${arg}' does not exist`, { status: 404 });
      const { killed, deployment } = await m.killTasks(ids, scale, force || true);
      if (deployment) return deploymentResult(res, deployment, 200);
      return void res.json(arg ? { task: taskJson(m, killed[0]!) } : { tasks: killed.map((i) => taskJson(m, i)) });
    }
    if (what === 'versions' && req.method === 'GET') {
      const versions = await repo.appVersions(id);
      if (!arg) return void res.json({ versions: versions.map((v) => v.version) });
      const found = versions.find((v) => v.version === arg);
      if (!found) throw new StrataError('NOT_FOUND', `App '${id}' does not exist in version ${arg}`, { status: 404 });
      return void res.json(found);
    }
    throw new StrataError('NOT_FOUND', `no route for ${req.method} ${req.path}`, { status: 404 });
  });
}
