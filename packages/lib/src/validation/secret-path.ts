export const MAX_SECRET_PATH_LENGTH = 255;
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** A secret's path as stored: DC/OS writes it with or without a leading slash; Strata keeps it without. */
export const normalSecretPath = (p: string): string => p.replace(/^\/+/, '');

/**
 * Why a secret path (`/secrets/v1/secret/default/PATH`, Marathon's `secrets.NAME.source`) is
 * refused, or undefined: segments of letters, digits, `.`, `_`, `-` joined by `/`, so a path can
 * never name a parent nor collide with the store's own keys.
 */
export function secretPathProblem(raw: string): string | undefined {
  const p = normalSecretPath(raw);
  if (!p) return 'a secret path must not be empty';
  if (p.length > MAX_SECRET_PATH_LENGTH) return `a secret path must not be longer than ${MAX_SECRET_PATH_LENGTH} characters`;
  if (!p.split('/').every((s) => SEGMENT.test(s))) return "a secret path is segments of letters, digits, '.', '_' and '-' (not starting with '.') joined by single '/'";
  return undefined;
}

/**
 * DC/OS's rule for who may use a secret: the one at `a/b/name` serves services under `/a/b`
 * (and below), one at the top level serves every service. Why `serviceId` may not use it, or undefined.
 */
export function secretScopeProblem(secretPath: string, serviceId: string): string | undefined {
  const dirs = normalSecretPath(secretPath).split('/').slice(0, -1);
  const service = serviceId.split('/').filter(Boolean);
  const inside = dirs.length <= service.length && dirs.every((d, i) => service[i] === d);
  return inside ? undefined : `the secret '${normalSecretPath(secretPath)}' is only for services under /${dirs.join('/')}`;
}
