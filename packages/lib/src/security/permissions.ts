import { StrataError } from '../errors/strata-error';

/**
 * Per-path permissions for the frameworks (DC/OS Enterprise's): a grant gives a principal
 * actions on a resource, and a resource ending in a path covers that path and everything
 * under it. `dcos:service:marathon:marathon:services:/teama` covers the app `/teama/web` and
 * the group `/teama`, not `/teamab`. Job names are flat, so `dcos:service:chronos:chronos:jobs:
 * nightly` covers the job `nightly` and names under `nightly.` (Metronome's dotted ids), not
 * `nightly2`. `dcos:superuser` covers everything. Pure.
 */
export const PERMISSION_ACTIONS = ['create', 'read', 'update', 'delete'] as const;
export type PermissionAction = (typeof PERMISSION_ACTIONS)[number];

export interface Grant {
  principal: string;
  resource: string;
  actions: PermissionAction[];
}

export interface Permissions {
  /** When no permissions were given, everything is allowed to every authenticated principal. */
  permissive: boolean;
  grants: Grant[];
}

export const PERMISSIVE_PERMISSIONS: Permissions = { permissive: true, grants: [] };

/** The resource prefixes of each framework's objects. */
export const MARATHON_SERVICES = 'dcos:service:marathon:marathon:services:';
export const CHRONOS_JOBS = 'dcos:service:chronos:chronos:jobs:';
/** DC/OS's secrets: `dcos:secrets:default:/team/db` covers that secret and the ones under `team/db/`. */
export const SECRETS = 'dcos:secrets:default:';
export const SUPERUSER = 'dcos:superuser';

/** Parses `{"permissions": [{"principal", "resource", "actions": [...] | "full"}]}`. */
export function parsePermissions(json: unknown): Permissions {
  const fail = (msg: string) => new StrataError('INVALID_REQUEST', `invalid permissions: ${msg}`);
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw fail('expected {"permissions": [...]}');
  const { permissions, ...rest } = json as { permissions?: unknown };
  const extra = Object.keys(rest);
  if (extra.length) throw fail(`unknown field '${extra[0]}'`);
  if (!Array.isArray(permissions)) throw fail("'permissions' must be a list");
  const grants = permissions.map((g: unknown, i): Grant => {
    const where = `permissions[${i}]`;
    if (!g || typeof g !== 'object' || Array.isArray(g)) throw fail(`${where} must be an object`);
    const { principal, resource, actions } = g as Record<string, unknown>;
    if (typeof principal !== 'string' || !principal) throw fail(`${where}.principal must be a name`);
    if (typeof resource !== 'string' || !(resource === SUPERUSER || resource.startsWith(MARATHON_SERVICES) || resource.startsWith(CHRONOS_JOBS) || resource.startsWith(SECRETS))) {
      throw fail(`${where}.resource must be ${SUPERUSER}, ${MARATHON_SERVICES}/PATH, ${CHRONOS_JOBS}NAME or ${SECRETS}/PATH`);
    }
    const list = actions === 'full' ? [...PERMISSION_ACTIONS] : actions;
    if (!Array.isArray(list) || !list.length || !list.every((a) => (PERMISSION_ACTIONS as readonly unknown[]).includes(a))) {
      throw fail(`${where}.actions must be "full" or a list of ${PERMISSION_ACTIONS.join(', ')}`);
    }
    return { principal, resource, actions: list as PermissionAction[] };
  });
  return { permissive: false, grants };
}

/** Whether `principal` may do `action` on the object named by `resource` (a prefix above and a path or name). */
export function permits(p: Permissions, principal: string | undefined, action: PermissionAction, resource: string): boolean {
  return permitter(p, principal, action)(resource);
}

/**
 * `permits` for one principal and action over many objects (a list of 1,000 apps filtered for
 * one request): the principal's grants are picked and their prefixes made once, not per object.
 */
export function permitter(p: Permissions, principal: string | undefined, action: PermissionAction): (resource: string) => boolean {
  if (p.permissive) return () => true;
  const grants = principal === undefined ? [] : p.grants.filter((g) => g.principal === principal && (g.resource === SUPERUSER || g.actions.includes(action)));
  if (grants.some((g) => g.resource === SUPERUSER)) return () => true;
  if (!grants.length) return () => false;
  const prefixes = grants.map((g) => ({ exact: g.resource, base: baseOf(g.resource) }));
  return (resource) => prefixes.some((g) => resource === g.exact || resource.startsWith(g.base));
}

/**
 * Whether `principal` may see something under `resource`: a grant on a path below it (a team's
 * group inside `/`) makes the group visible as a way in, without its other contents.
 */
export function seesInto(p: Permissions, principal: string | undefined, resource: string): boolean {
  if (permits(p, principal, 'read', resource)) return true;
  if (principal === undefined) return false;
  return p.grants.some((g) => g.principal === principal && g.actions.includes('read') && covers(resource, g.resource));
}

function covers(granted: string, asked: string): boolean {
  return granted === asked || asked.startsWith(baseOf(granted));
}

/** What a granted resource's children start with: paths go on after '/', job names after '.'. */
function baseOf(granted: string): string {
  const sep = granted.startsWith(MARATHON_SERVICES) || granted.startsWith(SECRETS) ? '/' : '.';
  return granted.endsWith(sep) ? granted : granted + sep;
}

/** The resource of a Marathon app or group id ('/teama/web'). */
export const marathonResource = (id: string) => MARATHON_SERVICES + (id.startsWith('/') ? id : `/${id}`);
/** The resource of a Chronos job. */
export const chronosResource = (name: string) => CHRONOS_JOBS + name;
/** The resource of a secret (its store path, with or without the leading slash). */
export const secretResource = (path: string) => SECRETS + (path.startsWith('/') ? path : `/${path}`);
