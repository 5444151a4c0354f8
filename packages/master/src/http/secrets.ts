import type { Express, Request } from 'express';
import { StrataError, type ResourceAuthz } from '@strata/lib';
import type { SecretOperations } from '../secrets';

/** DC/OS's one store name: `/secrets/v1/secret/default/PATH`. */
const PREFIX = '/secrets/v1/secret/default';

/** The secret's path after the store's prefix, decoded (`a%2Fb` and `a/b` are the same secret). */
function pathOf(req: Request): string {
  const raw = req.path.slice(PREFIX.length).replace(/^\/+/, '');
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new StrataError('INVALID_PATH', 'The secret path is not valid percent-encoding', { context: { path: raw.slice(0, 300) } });
  }
}

/**
 * DC/OS's secrets API, served by the leading master (a standby redirects, as for every route):
 * PUT {"value"} creates (201; 409 when it exists), PATCH changes (204), DELETE (204), GET
 * `?list=true` lists the paths under a directory as `{"array": [...]}`. GET of one secret
 * answers when it was made and changed, never its value: that leaves the master only in a launch.
 */
export function secretRoutes(app: Express, secrets: () => SecretOperations, authz: ResourceAuthz): void {
  app.put(`${PREFIX}/*path`, async (req, res) => {
    authz.require(res, 'create', pathOf(req));
    await secrets().create(pathOf(req), req.body);
    res.status(201).end();
  });
  app.patch(`${PREFIX}/*path`, async (req, res) => {
    authz.require(res, 'update', pathOf(req));
    await secrets().update(pathOf(req), req.body);
    res.status(204).end();
  });
  app.delete(`${PREFIX}/*path`, async (req, res) => {
    authz.require(res, 'delete', pathOf(req));
    await secrets().remove(pathOf(req));
    res.status(204).end();
  });
  app.get([PREFIX, `${PREFIX}/*path`], (req, res) => {
    const dir = pathOf(req);
    // A listing shows what the principal may read, and nothing of the rest (not even its name).
    if (req.query.list === 'true' || dir === '') return void res.json({ array: secrets().list(dir).filter((p) => authz.can(res, 'read', dir ? `${dir}/${p}` : p)) });
    authz.require(res, 'read', dir);
    res.json(secrets().meta(dir));
  });
}
