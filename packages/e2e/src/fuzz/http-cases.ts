import fc from 'fast-check';

/** One generated HTTP request: a concrete path for a route, a query string, headers and a body. */
export interface HttpCase {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: string;
}

/** Path parameters: ids that exist, ids that do not, and the strings that break parsers. */
const hostileSegment = fc.oneof(
  fc.constantFrom('x', 'web', '..', '.', '%2e%2e', '%00', '%ff', '~', 'a%2Fb', "'", '"', '<script>', '${x}', '*', '-1', '0', '1e309', 'NaN', 'null', ' ', '%20', 'valueOf', 'constructor', '__proto__', 'toString', 'hasOwnProperty'),
  fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).map((s) => encodeURIComponent(s)),
  fc.string({ minLength: 200, maxLength: 300 }).map((s) => encodeURIComponent(s).slice(0, 2_000)),
);

/** A route pattern (express 5: `:id`, `*rest`, optional `{…}`) filled with generated segments. */
export function pathFor(pattern: string, known: string[]): fc.Arbitrary<string> {
  const clean = pattern.replace(/\\(.)/g, '$1');
  const params = clean.match(/[:*][A-Za-z_]\w*/g) ?? [];
  const segment = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...(known.length ? known : ['x'])) }, { weight: 3, arbitrary: hostileSegment });
  return fc.tuple(fc.array(segment, { minLength: params.length, maxLength: params.length }), fc.boolean()).map(([values, keepOptional]) => {
    let i = 0;
    const optional = keepOptional ? clean.replace(/[{}]/g, '') : clean.replace(/\{[^}]*\}/g, '');
    return optional.replace(/[:*][A-Za-z_]\w*/g, () => values[i++] ?? 'x');
  });
}

/** Query strings: the parameters the APIs read, with good and bad values, and junk. */
const KNOWN_QUERY = ['force', 'embed', 'partialUpdate', 'offset', 'length', 'path', 'scale', 'wipe', 'host', 'status', 'id', 'appId', 'arguments', 'label', 'since', 'jsonp', 'timeout'];
export const queryArb: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...KNOWN_QUERY), fc.string({ maxLength: 10 })),
      fc.oneof(fc.constantFrom('true', 'false', '1', '0', '-1', '', 'apps.tasks', '9999999999999999999', 'NaN', '../../etc/passwd', '/'), fc.string({ maxLength: 40 })),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));

/** Sets `value` at a dotted path of a copy of `obj` (creating what is missing): a mutation of a valid body. */
function mutate(obj: unknown, keyPath: string[], value: unknown): unknown {
  if (!keyPath.length) return value;
  const base = obj && typeof obj === 'object' ? (Array.isArray(obj) ? [...obj] : { ...(obj as Record<string, unknown>) }) : {};
  const [k, ...rest] = keyPath;
  (base as Record<string, unknown>)[k!] = mutate((base as Record<string, unknown>)[k!], rest, value);
  return base;
}

const keysOf = (v: unknown, prefix: string[] = []): string[][] => {
  if (!v || typeof v !== 'object') return [prefix];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out.push(...keysOf(x, [...prefix, k]));
  return out;
};

const weirdValue = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0.5, '', 'x', [], {}, [null], { $ref: '#' }, '__proto__', '../../../etc/passwd', '\u0000', 'a'.repeat(10_000)),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Bodies: random JSON, valid bodies with one field mutated, deep nesting, non-JSON bytes. */
export function bodyArb(valid: unknown[]): fc.Arbitrary<string | undefined> {
  const mutated = valid.length
    ? fc.constantFrom(...valid).chain((v) => fc.tuple(fc.constantFrom(...keysOf(v).concat([['__proto__'], ['constructor', 'prototype'], ['extra']])), weirdValue).map(([k, x]) => JSON.stringify(mutate(v, k, x))))
    : fc.constant('{}');
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: mutated },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.integer({ min: 50, max: 5_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"id":', 'null', '"x"', '[1,2', '{"a":1}{"b":2}', 'id=/x&cmd=true', '\u0000\u0001') },
  );
}

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'text/plain', 'application/xml', '', 'application/json; charset=latin1', 'multipart/form-data; boundary=x'];

/** Everything for one route and method; `authorization` is sent on most cases (a few carry garbage). */
export function caseArb(method: string, pattern: string, opts: { known: string[]; bodies: unknown[]; authorization: string }): fc.Arbitrary<HttpCase> {
  return fc
    .record({
      path: pathFor(pattern, opts.known),
      query: queryArb,
      contentType: fc.constantFrom(...CONTENT_TYPES),
      authorization: fc.oneof({ weight: 9, arbitrary: fc.constant(opts.authorization) }, { weight: 1, arbitrary: fc.constantFrom('', 'Basic', 'Basic !!!', 'token=', 'Bearer a.b.c', `${opts.authorization}x`) }),
      extra: fc.dictionary(fc.constantFrom('accept', 'accept-encoding', 'x-forwarded-for', 'if-none-match', 'range', 'origin'), fc.constantFrom('*/*', 'text/event-stream', 'gzip', 'bytes=0-1', '"etag"', 'null', '\t'), { maxKeys: 2 }),
      body: method === 'GET' || method === 'HEAD' || method === 'DELETE' ? fc.constant(undefined) : bodyArb(opts.bodies),
    })
    .map((c) => ({
      method,
      path: c.path,
      query: c.query,
      headers: { ...c.extra, ...(c.contentType ? { 'content-type': c.contentType } : {}), ...(c.authorization ? { authorization: c.authorization } : {}) },
      ...(c.body !== undefined ? { body: c.body } : {}),
    }));
}
