import { StrataError } from '../errors/strata-error';

/**
 * Mesos's ACLs (the `--acls` JSON of the local authorizer): for each action, a list of rules
 * pairing subjects (principals) with objects (roles, users, paths…). The first rule whose
 * subject and object both match the request decides; when none does, `permissive` decides.
 * An entity is `{"values": [...]}`, `{"type": "ANY"}` or `{"type": "NONE"}`; a rule whose
 * object is NONE matches every object of its subjects and refuses them all. Pure.
 */
export type Entity = { type: 'ANY' } | { type: 'NONE' } | { values: string[] };

/** Each action and the name of its object in a rule, as Mesos spells them. */
export const ACL_ACTIONS = {
  register_frameworks: 'roles',
  run_tasks: 'users',
  teardown_frameworks: 'framework_principals',
  reserve_resources: 'roles',
  unreserve_resources: 'reserver_principals',
  set_quotas: 'roles',
  update_quotas: 'roles',
  update_weights: 'roles',
  view_roles: 'roles',
  get_endpoints: 'paths',
  view_frameworks: 'users',
  view_tasks: 'users',
  view_executors: 'users',
  access_sandboxes: 'users',
  register_agents: 'agents',
} as const;
export type AclAction = keyof typeof ACL_ACTIONS;

export interface AclRule {
  principals: Entity;
  object: Entity;
}

export interface Acls {
  permissive: boolean;
  rules: Partial<Record<AclAction, AclRule[]>>;
}

/** No ACLs given: everything allowed, as Mesos without `--acls`. */
export const PERMISSIVE_ACLS: Acls = { permissive: true, rules: {} };

/** Parses Mesos's ACL JSON; a clear error for anything it does not know (a typo must not open a hole). */
export function parseAcls(json: unknown): Acls {
  const fail = (msg: string) => new StrataError('INVALID_REQUEST', `invalid ACLs: ${msg}`);
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw fail('expected a JSON object');
  const rules: Acls['rules'] = {};
  let permissive = true;
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (key === 'permissive') {
      if (typeof value !== 'boolean') throw fail("'permissive' must be true or false");
      permissive = value;
      continue;
    }
    if (!(key in ACL_ACTIONS)) throw fail(`unknown action '${key}' (known: permissive, ${Object.keys(ACL_ACTIONS).join(', ')})`);
    const action = key as AclAction;
    if (!Array.isArray(value)) throw fail(`'${action}' must be a list of rules`);
    const objectKey = ACL_ACTIONS[action];
    rules[action] = value.map((rule: unknown, i) => {
      const where = `${action}[${i}]`;
      if (!rule || typeof rule !== 'object' || Array.isArray(rule)) throw fail(`${where} must be an object`);
      const r = rule as Record<string, unknown>;
      for (const k of Object.keys(r)) if (k !== 'principals' && k !== objectKey) throw fail(`${where} has '${k}'; a ${action} rule has 'principals' and '${objectKey}'`);
      return { principals: entityOf(r.principals, `${where}.principals`, fail), object: entityOf(r[objectKey], `${where}.${objectKey}`, fail) };
    });
  }
  return { permissive, rules };
}

function entityOf(v: unknown, where: string, fail: (m: string) => Error): Entity {
  // Mesos's default for an absent entity is ANY.
  if (v === undefined) return { type: 'ANY' };
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw fail(`${where} must be {"values": [...]} or {"type": "ANY"|"NONE"}`);
  const e = v as { type?: unknown; values?: unknown };
  if (e.values !== undefined) {
    if (e.type !== undefined) throw fail(`${where} has both 'type' and 'values'`);
    if (!Array.isArray(e.values) || !e.values.every((x) => typeof x === 'string')) throw fail(`${where}.values must be a list of strings`);
    return { values: e.values as string[] };
  }
  if (e.type === 'ANY' || e.type === 'NONE') return { type: e.type };
  throw fail(`${where}.type must be ANY or NONE`);
}

/**
 * Whether `principal` (undefined: an anonymous request) may do `action` on `object`
 * (undefined: the action has no particular object, e.g. any role).
 */
export function aclAllows(acls: Acls, action: AclAction, principal: string | undefined, object: string | undefined): boolean {
  for (const rule of acls.rules[action] ?? []) {
    if (matches(rule.principals, principal) && matches(rule.object, object)) return allows(rule.principals, principal) && allows(rule.object, object);
  }
  return acls.permissive;
}

/** Whether a rule's entity applies to a request's value: NONE and ANY apply to every value; a list to its members. */
function matches(e: Entity, value: string | undefined): boolean {
  if ('values' in e) return value !== undefined && e.values.includes(value);
  return true;
}

function allows(e: Entity, value: string | undefined): boolean {
  if ('values' in e) return value !== undefined && e.values.includes(value);
  return e.type === 'ANY';
}

/** aclAllows, or a 403 FORBIDDEN saying `what` the principal may not do (Mesos's "Not authorized to …"). */
export function requireAcl(acls: Acls, action: AclAction, principal: string | undefined, object: string | undefined, what: string): void {
  if (aclAllows(acls, action, principal, object)) return;
  throw new StrataError('FORBIDDEN', `Not authorized to ${what}`, { context: { action, principal: principal ?? null, object: object ?? null } });
}
