import { MarathonAuthz } from './authz';
import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import { StrataError, type ErrorDetail } from '@strata/lib';
import type { Marathon, GroupRecord } from '../marathon';
import type { Logger } from '@strata/lib';
import type { AppDefinition } from '../model/app-definition';
import { validateApp } from '../model/validation';
import { resolvePathId, appIdProblems, parentOf } from '../model/path-id';
import { GroupTree } from '../model/group-tree';
import { MAX_ID_LENGTH, MAX_LIST } from '../model/limits';
import type { Repository } from '../state/repository';
import { appInfo } from './apps';
import { deploymentResult, invalid, queryFlag } from './responses';

/**
 * A GroupUpdate as a client may send it. Wrong JSON types are 422s with details (Marathon's
 * `/groups(0)/id` paths), checked before anything is looked at or stored; apps are validated one
 * by one with validateApp.
 */
interface GroupUpdate {
  id?: string;
  apps?: Record<string, unknown>[];
  groups?: GroupUpdate[];
  dependencies?: string[];
  version?: string;
  scaleBy?: number;
}
const groupUpdate: z.ZodType<GroupUpdate> = z.lazy(() =>
  z.object({
    id: z.string().optional(),
    apps: z.array(z.record(z.string(), z.unknown())).max(MAX_LIST).optional(),
    groups: z.array(groupUpdate).max(MAX_LIST).optional(),
    dependencies: z.array(z.string()).max(MAX_LIST).optional(),
    version: z.string().optional(),
    scaleBy: z.number().nonnegative().optional(),
  }),
);

/** zod's path in Marathon's form: array indexes after `apps` and `groups` in parentheses. */
function marathonPath(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `(${p})` : `/${String(p)}`;
  return out || '/';
}

const inGroup = (appId: string, groupId: string) => groupId === '/' || appId.startsWith(`${groupId}/`);

const treeOf = (m: Marathon) => new GroupTree(m.apps.keys(), m.groups.keys());

/**
 * The group Marathon shows: its apps and subgroups, from app ids and explicit groups. `embed`
 * holds Marathon's group embeds without the `group.` prefix (`groups`, `apps`, `pods`,
 * `apps.tasks`, `apps.counts`, …); none given means groups and apps.
 */
export function groupJson(m: Marathon, id: string, embed: Set<string> = new Set(['groups', 'apps']), tree = treeOf(m)): Record<string, unknown> {
  const all = embed.size === 0 ? new Set(['groups', 'apps']) : embed;
  const appEmbeds = new Set([...all].filter((e) => e.startsWith('apps.')).map((e) => e.slice('apps.'.length)));
  const apps = [...m.apps.values()].filter((a) => parentOf(a.id) === id).sort((a, b) => (a.id < b.id ? -1 : 1));
  const record = m.groups.get(id);
  return {
    id,
    apps: all.has('apps') || appEmbeds.size ? apps.map((a) => appInfo(m, a, appEmbeds)) : [],
    groups: all.has('groups') ? tree.subgroups(id).map((g) => groupJson(m, g, all, tree)) : [],
    pods: [],
    dependencies: record?.dependencies ?? [],
    version: record?.version ?? apps.reduce((v, a) => (a.version > v ? a.version : v), ''),
    enforceRole: false,
  };
}

function groupExists(m: Marathon, id: string): boolean {
  return treeOf(m).has(id);
}

/**
 * Flattens a GroupUpdate into the apps it defines (ids resolved against their group) and the
 * groups it names, validating every app with the paths Marathon uses (`/apps(0)/cpus`).
 */
function flatten(m: Marathon, body: GroupUpdate, groupId: string, version: string, details: ErrorDetail[], prefix = ''): { apps: AppDefinition[]; groups: { id: string; dependencies: string[] }[] } {
  const apps: AppDefinition[] = [];
  const parent = groupId === '/' ? '/' : groupId.slice(0, groupId.lastIndexOf('/')) || '/';
  const dependencies: string[] = [];
  (body.dependencies ?? []).forEach((d, i) => {
    const r = resolvePathId(d, parent);
    if (!r) details.push({ path: `${prefix}/dependencies(${i})`, errors: [`'${d.slice(0, 300)}' is not a valid path`] });
    else if (r === groupId || (groupId !== '/' && r.startsWith(`${groupId}/`)) || groupId === '/') details.push({ path: `${prefix}/dependencies(${i})`, errors: [`Dependency graph has cyclic dependencies: group ${groupId} cannot depend on itself or what it contains (${r})`] });
    else dependencies.push(r);
  });
  // A body that does not speak of dependencies keeps the group's (Marathon's GroupUpdate).
  const groups = [{ id: groupId, dependencies: body.dependencies === undefined ? m.groups.get(groupId)?.dependencies ?? [] : dependencies }];
  (body.apps ?? []).forEach((raw, i) => {
    const rawId = raw.id;
    const id = typeof rawId === 'string' ? resolvePathId(rawId, groupId) : undefined;
    if (!id) {
      details.push({ path: `${prefix}/apps(${i})/id`, errors: typeof rawId === 'string' && rawId.length > MAX_ID_LENGTH ? appIdProblems(rawId) : ['is not a valid path id'] });
      return;
    }
    const v = validateApp(raw, { id, base: m.apps.get(id), version, limits: m.limits });
    if (!v.ok) for (const d of v.details) details.push({ path: `${prefix}/apps(${i})${d.path === '/' ? '' : d.path}`, errors: d.errors });
    else apps.push(v.app);
  });
  (body.groups ?? []).forEach((g, i) => {
    const id = typeof g.id === 'string' ? resolvePathId(g.id, groupId) : undefined;
    if (!id || id === groupId) {
      details.push({ path: `${prefix}/groups(${i})/id`, errors: ['is not a valid path id inside its parent group'] });
      return;
    }
    const sub = flatten(m, g, id, version, details, `${prefix}/groups(${i})`);
    apps.push(...sub.apps);
    groups.push(...sub.groups);
  });
  return { apps, groups };
}

/** /v2/groups: the tree, create, update (with `scaleBy` and `version` rollback), delete. */
export function addGroupRoutes(app: Express, m: Marathon, repo: Repository, log: Logger, authz: MarathonAuthz = new MarathonAuthz()): void {
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
    if (!authz.seesInto(res, id)) authz.require(res, 'read', id);
    const canRead = authz.canEach(res, 'read');
    if (appsOnly) return void res.json({ apps: [...m.apps.values()].filter((a) => inGroup(a.id, id) && canRead(a.id)).map((a) => appInfo(m, a, new Set())) });
    const raw = req.query.embed;
    const embed = new Set((Array.isArray(raw) ? raw : raw ? [raw] : []).map(String).filter((e) => e.startsWith('group.')).map((e) => e.slice('group.'.length)));
    res.json(visibleGroup(groupJson(m, id, embed), canRead, (group) => authz.seesInto(res, group)));
  };
  app.get('/v2/groups/*path/versions', async (req, res) => {
    const id = idOf(req);
    authz.require(res, 'read', id);
    res.json((await repo.groupVersions(id)).map((v) => v.version));
  });
  app.get('/v2/groups', get);
  app.get('/v2/groups/*path', get);

  const apply = async (req: Request, res: Response, create: boolean) => {
    const raw = req.body ?? {};
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return invalid(res, [{ path: '/', errors: ['error.expected.jsobject'] }]);
    const parsed = groupUpdate.safeParse(raw);
    if (!parsed.success) return invalid(res, parsed.error.issues.map((i) => ({ path: marathonPath(i.path), errors: [i.message] })));
    const body = parsed.data;
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
    let groups: GroupRecord[] = [];
    if (body.scaleBy !== undefined) {
      const scaled = current.map((a) => ({ before: a, after: { ...a, instances: Math.ceil(a.instances * body.scaleBy!), version } }));
      const over = scaled.filter((c) => !(c.after.instances <= m.limits.maxInstances));
      if (over.length) return invalid(res, over.map((c) => ({ path: '/scaleBy', errors: [`${c.before.id} would have ${c.after.instances} instances, more than the limit of ${m.limits.maxInstances}`] })));
      changes = scaled;
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
      groups = flat.groups.map((g) => ({ id: g.id, dependencies: g.dependencies, version }));
      changes = flat.apps.map((a) => ({ before: m.apps.get(a.id), after: a }));
      // Apps the group no longer lists are removed (only when the body speaks about apps at all).
      if (body.apps !== undefined || body.groups !== undefined) {
        for (const a of current) if (!flat.apps.some((t) => t.id === a.id)) changes.push({ before: a });
      }
    }
    // Every app the change creates, updates or removes, and the group itself, before anything is planned.
    authz.require(res, groupExists(m, groupId) ? 'update' : 'create', groupId);
    authz.requireChanges(res, changes);
    if (queryFlag(req, 'dryRun', false)) {
      // Marathon's dry run answers the plan's steps and changes nothing.
      const plan = await m.deploy(changes, force, groups, { dryRun: true });
      return void res.status(200).json({ steps: plan.steps });
    }
    // deploy checks cycles and locks before it stores anything, group records included.
    const d = await m.deploy(changes, force, groups);
    await repo.saveGroupVersion(groupId, d.version, [...m.apps.values()].filter((a) => inGroup(a.id, groupId))).catch((err) => {
      log.error({ err, groupId }, 'group version not stored (the change itself was made)');
    });
    deploymentResult(res, d, create ? 201 : 200);
  };
  app.post('/v2/groups', (req, res) => apply(req, res, true));
  app.post('/v2/groups/*path', (req, res) => apply(req, res, true));
  app.put('/v2/groups', (req, res) => apply(req, res, false));
  app.put('/v2/groups/*path', (req, res) => apply(req, res, false));

  app.delete('/v2/groups/*path', async (req, res) => {
    const id = idOf(req);
    if (!groupExists(m, id)) throw new StrataError('NOT_FOUND', `Group '${id}' does not exist`, { status: 404 });
    authz.require(res, 'delete', id);
    const apps = [...m.apps.values()].filter((a) => inGroup(a.id, id));
    const d = await m.deploy(apps.map((a) => ({ before: a })), queryFlag(req, 'force', false));
    await m.deleteGroup(id);
    deploymentResult(res, d, 200);
  });
}

/** A group's JSON with only what a principal may see: apps it may read, groups it may see into. */
export function visibleGroup(g: Record<string, unknown>, readsApp: (id: string) => boolean, seesGroup: (id: string) => boolean): Record<string, unknown> {
  const apps = (g.apps as { id: string }[]).filter((a) => readsApp(a.id));
  const groups = (g.groups as Record<string, unknown>[]).filter((s) => seesGroup(s.id as string)).map((s) => visibleGroup(s, readsApp, seesGroup));
  return { ...g, apps, groups };
}
