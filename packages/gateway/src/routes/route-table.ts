/**
 * Where a request to the gateway goes, from its path alone (DC/OS Admin Router's layout). The
 * prefix is taken off; the query string stays with the rest. Pure: the directory decides which
 * address each kind means right now.
 */
export type Route =
  | { kind: 'master'; path: string }
  | { kind: 'marathon'; path: string }
  | { kind: 'chronos'; path: string }
  | { kind: 'service'; name: string; path: string }
  | { kind: 'agent'; id: string; path: string }
  | { kind: 'gateway' };

export type UpstreamRoute = Exclude<Route, { kind: 'gateway' }>;

/** Framework services the gateway knows itself, under /service/NAME as in DC/OS. */
// A Map, not an object literal: /service/valueOf must not find Object.prototype's (found by the fuzzer: a 500).
const BUILT_IN_SERVICES = new Map<string, 'marathon' | 'chronos'>([
  ['marathon', 'marathon'],
  ['chronos', 'chronos'],
]);

/** `url` is the request's path and query as received (`req.originalUrl`). */
export function routeOf(url: string): Route {
  const q = url.indexOf('?');
  const pathname = q >= 0 ? url.slice(0, q) : url;
  const query = q >= 0 ? url.slice(q) : '';
  const segments = pathname.split('/');
  // segments[0] is '' (the path starts with '/'); [1] the prefix; [2] a name where one is needed.
  const rest = (from: number) => `/${segments.slice(from).join('/')}${query}`;
  switch (segments[1]) {
    case 'mesos':
      return { kind: 'master', path: rest(2) };
    case 'marathon':
      return { kind: 'marathon', path: rest(2) };
    case 'chronos':
      return { kind: 'chronos', path: rest(2) };
    case 'service': {
      const name = decodeSegment(segments[2]);
      if (!name) return { kind: 'gateway' };
      const builtIn = BUILT_IN_SERVICES.get(name);
      return builtIn ? { kind: builtIn, path: rest(3) } : { kind: 'service', name, path: rest(3) };
    }
    case 'agent':
    case 'slave': {
      const id = decodeSegment(segments[2]);
      return id ? { kind: 'agent', id, path: rest(3) } : { kind: 'gateway' };
    }
    default:
      return { kind: 'gateway' };
  }
}

/** A path segment as a name; undefined when absent or not valid percent-encoding. */
function decodeSegment(segment: string | undefined): string | undefined {
  if (!segment) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The route's upstream in words, for errors and logs ("the leading master", "service 'web'"). */
export function describeRoute(r: UpstreamRoute): string {
  switch (r.kind) {
    case 'master':
      return 'the leading master';
    case 'marathon':
      return 'Marathon';
    case 'chronos':
      return 'Chronos';
    case 'service':
      return `service '${r.name}'`;
    case 'agent':
      return `agent '${r.id}'`;
  }
}

/** A label for metrics: the kind, never a name or id (bounded cardinality). */
export const routeLabel = (r: Route) => r.kind;
