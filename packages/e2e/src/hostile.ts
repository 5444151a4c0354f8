import { deepStrictEqual } from 'node:assert/strict';

/** A value nested `depth` levels deep, as a JSON string (built as text: no recursion anywhere). */
export function deepJson(depth: number, key = 'a'): string {
  return `{"${key}":`.repeat(depth) + '1' + '}'.repeat(depth);
}

/**
 * The bad-input harness: sends a request that must be refused, then checks that the service is
 * still up and that its state, as `snapshot` reads it, is what it was before.
 */
export async function refused<T>(opts: {
  send: () => Promise<{ status: number; body: unknown }>;
  status: number | number[];
  snapshot: () => Promise<T>;
  alive: () => Promise<boolean>;
  body?: (b: any) => void;
}): Promise<void> {
  const before = await opts.snapshot();
  const r = await opts.send();
  const wanted = Array.isArray(opts.status) ? opts.status : [opts.status];
  if (!wanted.includes(r.status)) throw new Error(`expected ${wanted.join(' or ')}, got ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`);
  opts.body?.(r.body);
  if (!(await opts.alive())) throw new Error('the service is down after the request');
  deepStrictEqual(await opts.snapshot(), before, 'a refused request changed the state');
}
