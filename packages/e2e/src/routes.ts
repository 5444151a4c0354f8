import type { RouteEntry } from '@strata/lib';

/** A service's routes as GET /help lists them (read from its routers), asked with `authorization`. */
export async function routesOfService(base: string, authorization: string): Promise<RouteEntry[]> {
  const r = await fetch(`${base}/help`, { headers: { authorization } });
  if (!r.ok) throw new Error(`${base}/help: HTTP ${r.status}`);
  return ((await r.json()) as { routes: RouteEntry[] }).routes;
}

/**
 * A concrete path for a route pattern (express 5's): every parameter (`:id`, `*rest`) becomes
 * `x`, optional parts `{…}` are kept, regex escapes dropped (`/slave\(1\)/state`).
 */
export function samplePath(pattern: string): string {
  return pattern.replace(/\\(.)/g, '$1').replace(/[{}]/g, '').replace(/[:*][A-Za-z_]\w*/g, 'x');
}

/** The methods to send for a route: ALL stands for the common ones. */
export const methodsOf = (r: RouteEntry) => (r.method === 'ALL' ? ['GET', 'POST', 'PUT', 'DELETE'] : [r.method]);
