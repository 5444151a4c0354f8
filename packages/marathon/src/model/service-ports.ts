import { StrataError } from '@strata/lib/errors';
import type { AppDefinition } from './app-definition';
import { portMappingsOf } from './networking';

/**
 * Gives `port: 0` definitions (port definitions, or port mappings' service ports) a service
 * port from the range (Marathon's --local_port_min/max, 10000-20000) that no other app uses, and
 * keeps the port an app had before where it can. `used` holds the ports taken so far and
 * receives this app's. Refuses with Marathon's 422 when the range is full.
 */
export function assignServicePorts(app: AppDefinition, previous: AppDefinition | undefined, used: Set<number>, range: { min: number; max: number }): AppDefinition {
  const mappings = portMappingsOf(app);
  for (const p of [...app.portDefinitions.map((d) => d.port), ...mappings.map((m) => m.servicePort)]) if (p !== 0) used.add(p);
  let next = range.min;
  const assign = (port: number, keep: number | undefined): number => {
    if (port !== 0) return port;
    if (keep && !used.has(keep)) {
      used.add(keep);
      return keep;
    }
    while (used.has(next) && next <= range.max) next++;
    if (next > range.max) throw new StrataError('NO_SERVICE_PORTS', 'No free service ports left in the configured range', { status: 422, details: [{ path: '/portDefinitions', errors: ['No free service ports left in the configured range'] }] });
    used.add(next);
    return next;
  };
  const portDefinitions = app.portDefinitions.map((p, i) => ({ ...p, port: assign(p.port, previous?.portDefinitions[i]?.port) }));
  const before = previous ? portMappingsOf(previous) : [];
  const container = mappings.length ? { ...app.container, portMappings: mappings.map((m, i) => ({ ...m, servicePort: assign(m.servicePort, before[i]?.servicePort) })) } : app.container;
  return { ...app, portDefinitions, ...(container ? { container } : {}) };
}
