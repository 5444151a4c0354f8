import type { Response } from 'express';
import { StrataError } from '../errors/strata-error';
import { principalOf } from './http-guard';
import { PERMISSIVE_PERMISSIONS, SUPERUSER, permits, permitter, seesInto, type PermissionAction, type Permissions } from './permissions';

/**
 * A framework API's permission checks (Marathon's apps and groups, Chronos's jobs): `resource`
 * names an object as its grants do. Reads are filtered with `can`, writes refused with
 * `require` (a FORBIDDEN the API answers 403 in its own shape), before anything is written.
 */
export class ResourceAuthz {
  constructor(
    private readonly resource: (id: string) => string,
    private readonly permissions: Permissions = PERMISSIVE_PERMISSIONS,
  ) {}

  can(res: Response, action: PermissionAction, id: string): boolean {
    return permits(this.permissions, principalOf(res), action, this.resource(id));
  }

  /** `can` for one request over many objects: the filter of a list (its grants looked up once). */
  canEach(res: Response, action: PermissionAction): (id: string) => boolean {
    const allowed = permitter(this.permissions, principalOf(res), action);
    return (id) => allowed(this.resource(id));
  }

  /** Whether a container (a group) may be shown: one may read it, or something under it. */
  seesInto(res: Response, id: string): boolean {
    return seesInto(this.permissions, principalOf(res), this.resource(id));
  }

  require(res: Response, action: PermissionAction, id: string): void {
    if (!this.can(res, action, id)) throw forbidden(res, action, id);
  }

  /** Acting on the service itself (abdicating its leadership) is for a superuser. */
  requireSuperuser(res: Response): void {
    if (!permits(this.permissions, principalOf(res), 'update', SUPERUSER)) throw forbidden(res, 'update', 'the service');
  }

  /** Whether everything a record names (an event's or deployment's objects) may be read; a record naming none is for everyone. */
  readsAll(res: Response, ids: readonly string[]): boolean {
    const can = this.canEach(res, 'read');
    return ids.every(can);
  }
}

function forbidden(res: Response, action: PermissionAction, id: string): StrataError {
  return new StrataError('FORBIDDEN', `principal '${principalOf(res) ?? 'anonymous'}' may not ${action} ${id}`, { context: { principal: principalOf(res), action, id } });
}
