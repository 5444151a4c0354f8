import { METHODS } from 'node:http';
import type { Express } from 'express';

export interface RouteEntry {
  method: string;
  path: string;
}

interface RouterLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
  rawPath?: unknown;
  handle?: { stack?: RouterLayer[] };
}

/**
 * Every route an app serves, read from its routers (mounted routers included, under each of
 * their mount paths): GET /help answers with it, and the security and fuzz tests walk it, so a
 * new route is covered without anyone remembering to list it.
 */
export function routesOf(app: Express): RouteEntry[] {
  const out: RouteEntry[] = [];
  const walk = (stack: RouterLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]);
        // app.all() marks every method the router knows: one ALL, not thirty-odd rows.
        const all = methods.includes('_all') || methods.length >= METHODS.length;
        for (const path of pathsOf(layer.route.path)) {
          for (const m of all ? ['ALL'] : methods.map((x) => x.toUpperCase())) out.push({ method: m, path: prefix + path });
        }
      } else if (layer.handle?.stack) {
        for (const mount of pathsOf(layer.rawPath ?? '/')) walk(layer.handle.stack, prefix + (mount === '/' ? '' : mount));
      }
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, '');
  return out;
}

function pathsOf(p: unknown): string[] {
  if (Array.isArray(p)) return p.flatMap(pathsOf);
  return [typeof p === 'string' ? p : String(p)];
}
