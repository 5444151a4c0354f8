import type { Response } from 'express';
import { PERMISSIVE_PERMISSIONS, ResourceAuthz, marathonResource, type Permissions } from '@strata/lib';
import type { AppDefinition } from '../model/app-definition';

/**
 * Who may do what on which app or group (issue 17; DC/OS's per-path permissions): a principal
 * with a grant on `/teama` sees, changes and removes `/teama/**` and nothing of `/teamb`. One
 * object per API (ResourceAuthz on Marathon's resources), asked by each route once: reads are filtered (an app one may not read is not
 * in any list, tree, queue or event), writes refused whole with a 403 before anything is written.
 */
export class MarathonAuthz extends ResourceAuthz {
  constructor(permissions: Permissions = PERMISSIVE_PERMISSIONS) {
    super(marathonResource, permissions);
  }

  /** Every change of a deployment, each as what it is: create, update or delete. */
  requireChanges(res: Response, changes: readonly { before?: AppDefinition; after?: AppDefinition }[]): void {
    for (const c of changes) {
      if (c.after) this.require(res, c.before ? 'update' : 'create', c.after.id);
      else if (c.before) this.require(res, 'delete', c.before.id);
    }
  }
}

/** The apps an event is about, so a stream shows it only to those who may read them all. */
export function appsOfEvent(e: Record<string, unknown>): string[] {
  const ids: string[] = [];
  for (const k of ['appId', 'runSpecId']) if (typeof e[k] === 'string') ids.push(e[k]);
  const def = e.appDefinition as { id?: unknown } | undefined;
  if (typeof def?.id === 'string') ids.push(def.id);
  const plan = e.plan as { affectedApps?: unknown } | undefined;
  if (Array.isArray(plan?.affectedApps)) ids.push(...plan.affectedApps.filter((x): x is string => typeof x === 'string'));
  if (typeof e.groupId === 'string') ids.push(e.groupId);
  return ids;
}
