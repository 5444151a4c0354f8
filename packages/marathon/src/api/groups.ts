import type { Express, Request, Response } from 'express';
import { StrataError, type ErrorDetail } from '@strata/lib';
import type { Marathon } from '../marathon';
import type { AppDefinition } from '../model/app-definition';
import { validateApp } from '../model/validation';
import { resolvePathId, appIdProblems } from '../model/path-id';
import type { Repository } from '../state/repository';
import { appInfo } from './apps';
import { deploymentResult, invalid, queryFlag } from './responses';
import { orderByDependencies } from '../deployment/dependency-order';

interface GroupUpdate {
  id?: string;
  apps?: unknown[];
  groups?: GroupUpdate[];
  dependencies?: string[];
  version?: string;
  scaleBy?: number;
}

const inGroup = (appId: string, groupId: string) => groupId === '/' || appId.startsWith(`${groupId}/`);

/** The group tree Marathon shows: direct apps and subgroups of `id`, from app ids and explicit groups. */
export function groupJson(m: Marathon, id: string, embedApps: boolean): Record<string, unknown> {
  const depth = id === '/' ? 1 : id.split('/').length;
  const childGroups = new Set<string>();
  for (const appId of m.apps.keys()) {
    if (!inGroup(appId, id)) continue;
    const parts = appId.split('/');
    if (parts.length > depth + 1) childGroups.add(parts.slice(0, depth + 1).join('/'));
  }
  for (const g of m.groups.keys()) if (g !== id && inGroup(g, id) && g.split('/').length === depth + 1) childGroups.add(g);
  const apps = [...m.apps.values()].filter((a) => inGroup(a.id, id) && a.id.split('/').length === depth + 1).sort((a, b) => (a.id < b.id ? -1 : 1));
  const record = m.groups.get(id);
  return {
    id,
    apps: embedApps ? apps.map((a) => appInfo(m, a, new Set())) : [],
    groups: [...childGroups].sort().map((g) => groupJson(m, g, embedApps)),
    pods: [],
    dependencies: record?.dependencies ?? [],
    version: record?.version ?? apps.reduce((v, a) => (a.version > v ? a.version : v), ''),
    enforceRole: false,
  };
}

function groupExists(m: Marathon, id: string): boolean {
  return id === '/' || m.groups.has(id) || [...m.apps.keys()].some((a) => inGroup(a, id));
}

/**
 * Flattens a GroupUpdate into the apps it defines (ids resolved against their group) and the
 * groups it names, validating every app with the paths Marathon uses (`/apps(0)/cpus`).
 */
function flatten(m: Marathon, body: GroupUpdate, groupId: string, version: string, details: ErrorDetail[], prefix = ''): { apps: AppDefinition[]; groups: { id: string; dependencies: string[] }[] } {
  const apps: AppDefinition[] = [];
  const groups = [{ id: groupId, dependencies: (body.dependencies ?? []).map((d) => resolvePathId(d, groupId === '/' ? '/' : groupId.slice(0, groupId.lastIndexOf('/')) || '/') ?? d) }];
  (body.apps ?? []).forEach((raw, i) => {
    const rawId = (raw as { id?: unknown })?.id;
    const id = typeof rawId === 'string' ? resolvePathId(rawId, groupId) : undefined;
    if (!id) {
      details.push({ path: `${prefix}/apps(${i})/id`, errors: ['is not a valid path id'] });
      return;
    }
    const v = validateApp(raw, { id, base: m.apps.get(id), version });
    if (!v.ok) for (const d of v.details) details.push({ path: `${prefix}/apps(${i})${d.path === '/' ? '' : d.path}`, errors: d.errors });
    else apps.push(v.app);
  });
  (body.groups ?? []).forEach((g, i) => {
    const id = typeof g?.id === 'string' ? resolvePathId(g.id, groupId) : undefined;
    if (!id) {
      details.push({ path: `${prefix}/groups(${i})/id`, errors: ['is not a valid path id'] });
      return;
    }
    const sub = flatten(m, g, id, version, details, `${prefix}/groups(${i})`);
    apps.push(...sub.apps);
    groups.push(...sub.groups);
  });
  return { apps, groups };
}

/** /v2/groups: the tree, create, update (with `scaleBy` and `version` rollback), delete. */
export function addGroupRoutes(app: Express, m: Marathon, repo: Repository): void {
  const idOf = (req: Request) => {
    const raw = ([] as string[]).concat((req.params as { path?: string | string[] }).path ?? []).join('/');
    const id = resolvePathId(raw || '/');
    if (!id) throw new StrataError('INVALID', `'${raw}' is not a valid group id`, { status: 422, details: [{ path: '/id', errors: appIdProblems(raw) }] });
    return id;
  };

  const get = (req: Request, res: Response) => {
    let id = idOf(req);
    const appsOnly = id.endsWith('/apps') && !groupExists(m, id);
    if (appsOnly) id = id.slice(0, -'/apps'.length) || '/';
    if (!groupExists(m, id)) throw new StrataError('NOT_FOUND', `Group '${id}' does not exist`, { status: 404 });
    if (appsOnly) return void res.json({ apps: [...m.apps.values()].filter((a) => inGroup(a.id, id)).map((a) => appInfo(m, a, new Set())) });
    res.json(groupJson(m, id, true));
  };
  app.get('/v2/groups/*path/versions', async (req, res) => {
    const id = idOf(req);
    res.json((await repo.groupVersions(id)).map((v) => v.version));
  });
  app.get('/v2/groups', get);
  app.get('/v2/groups/*path', get);

  const apply = async (req: Request, res: Response, create: boolean) => {
    const body = (req.body ?? {}) as GroupUpdate;
    if (typeof body !== 'object' || Array.isArray(body)) return invalid(res, [{ path: '/', errors: ['error.expected.jsobject'] }]);
    const base = (req.params as { path?: unknown }).path ? idOf(req) : '/';
    const groupId = body.id ? resolvePathId(body.id, base) : base;
    if (!groupId) return invalid(res, [{ path: '/id', errors: appIdProblems(body.id ?? '') }]);
    const force = queryFlag(req, 'force', false);
    const version = m.version();
    if (create && groupId !== '/' && groupExists(m, groupId)) {
      throw new StrataError('CONFLICT', `Group ${groupId} is already created. Use PUT to change this group.`, { status: 409 });
    }
    if (!create && !groupExists(m, groupId) && body.scaleBy !== undefined) throw new StrataError('NOT_FOUND', `Group '${groupId}' does not exist`, { status: 404 });
    const current = [...m.apps.values()].filter((a) => inGroup(a.id, groupId));
    let changes: { before?: AppDefinition; after?: AppDefinition }[];
    if (body.scaleBy !== undefined) {
      if (typeof body.scaleBy !== 'number' || !(body.scaleBy >= 0)) return invalid(res, [{ path: '/scaleBy', errors: ['must be a non-negative number'] }]);
      changes = current.map((a) => ({ before: a, after: { ...a, instances: Math.ceil(a.instances * body.scaleBy!), version } }));
    } else if (body.version !== undefined) {
      const snapshot = (await repo.groupVersions(groupId)).find((v) => v.version === body.version);
      if (!snapshot) throw new StrataError('NOT_FOUND', `Group '${groupId}' does not exist in version ${body.version}`, { status: 404 });
      const target = snapshot.apps.map((a) => ({ ...a, version }));
      changes = [
        ...target.map((a) => ({ before: m.apps.get(a.id), after: a })),
        ...current.filter((a) => !target.some((t) => t.id === a.id)).map((a) => ({ before: a })),
      ];
    } else {
      const details: ErrorDetail[] = [];
      const flat = flatten(m, body, groupId, version, details);
      if (details.length) return invalid(res, details);
      // Cycles are refused before anything is stored: nothing is half-written.
      const deps = new Map([...m.groups.values()].map((g) => [g.id, g.dependencies]));
      for (const g of flat.groups) deps.set(g.id, g.dependencies);
      const inherited = (appId: string) => [...deps].filter(([g]) => inGroup(appId, g)).flatMap(([, d]) => d);
      const all = [...new Set([...m.apps.keys(), ...flat.apps.map((a) => a.id)])];
      const order = orderByDependencies(flat.apps.map((a) => ({ id: a.id, dependencies: [...a.dependencies, ...inherited(a.id)] })), all);
      if (!order.ok) return invalid(res, [{ path: '/', errors: [`Dependency graph has cyclic dependencies: ${order.cycle.join(' -> ')}`] }]);
      for (const g of flat.groups) await m.saveGroup({ id: g.id, dependencies: g.dependencies, version });
      changes = flat.apps.map((a) => ({ before: m.apps.get(a.id), after: a }));
      // Apps the group no longer lists are removed (only when the body speaks about apps at all).
      if (body.apps !== undefined || body.groups !== undefined) {
        for (const a of current) if (!flat.apps.some((t) => t.id === a.id)) changes.push({ before: a });
      }
    }
    const d = await m.deploy(changes, force);
    await repo.saveGroupVersion(groupId, d.version, [...m.apps.values()].filter((a) => inGroup(a.id, groupId)));
    deploymentResult(res, d, create ? 201 : 200);
  };
  app.post('/v2/groups', (req, res) => apply(req, res, true));
  app.post('/v2/groups/*path', (req, res) => apply(req, res, true));
  app.put('/v2/groups', (req, res) => apply(req, res, false));
  app.put('/v2/groups/*path', (req, res) => apply(req, res, false));

  app.delete('/v2/groups/*path', async (req, res) => {
    const id = idOf(req);
    if (!groupExists(m, id)) throw new StrataError('NOT_FOUND', `Group '${id}' does not exist`, { status: 404 });
    const apps = [...m.apps.values()].filter((a) => inGroup(a.id, id));
    const d = await m.deploy(apps.map((a) => ({ before: a })), queryFlag(req, 'force', false));
    await m.deleteGroup(id);
    deploymentResult(res, d, 200);
  });
}
