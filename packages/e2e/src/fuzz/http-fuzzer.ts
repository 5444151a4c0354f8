import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { RouteEntry } from '@strata/lib';
import { methodsOf, routesOfService } from '../routes';
import { caseArb, type HttpCase } from './http-cases';

/** A service under fuzzing: where it is, what it holds (to tell a partial write), what to send. */
export interface FuzzTarget {
  name: string;
  base: string;
  authorization: string;
  /** Ids that exist (apps, jobs, agents…), mixed into path parameters so handlers get past their lookups. */
  known: string[];
  /** Valid bodies to mutate, by route pattern; '*' for any route. */
  bodies: Record<string, unknown[]>;
  /** What the service keeps (definitions, not counters that move on their own): equal before and after a refused write. */
  snapshot(): Promise<unknown>;
  /** Routes left out, each with why (`METHOD pattern` -> reason). */
  skip?: Record<string, string>;
  /** Whether the process is still up. */
  alive(): Promise<boolean>;
}

export interface FuzzReport {
  service: string;
  routes: number;
  cases: number;
  statuses: Record<string, number>;
  failures: string[];
  skipped: string[];
}

const TIMEOUT_MS = 10_000;

/**
 * The gateway's /help also lists the prefixes it proxies (`/marathon/*, /service/marathon/*`,
 * `/agent/ID/*`): each becomes an ALL route, so the proxy paths are fuzzed too.
 */
async function proxiedRoutes(base: string, authorization: string): Promise<RouteEntry[]> {
  const help = (await (await fetch(`${base}/help`, { headers: { authorization } })).json()) as { proxied?: Record<string, string> };
  return Object.keys(help.proxied ?? {})
    .flatMap((k) => k.split(/,\s*/))
    .filter((p) => p.endsWith('/*'))
    .map((p) => ({ method: 'ALL', path: p.replace(/\/\*$/, '/*rest').replace(/\/([A-Z]+)(?=\/)/g, (_m, name: string) => `/:${name.toLowerCase()}`) }));
}

/** Sends one case; an event stream is judged by its status and headers, then let go. */
async function send(base: string, c: HttpCase): Promise<{ status: number; text: string }> {
  const url = `${base}${c.path}${c.query ? `?${c.query}` : ''}`;
  const r = await fetch(url, { method: c.method, headers: c.headers, body: c.body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (r.headers.get('content-type')?.includes('text/event-stream')) {
    await r.body?.cancel();
    return { status: r.status, text: '' };
  }
  return { status: r.status, text: (await r.text()).slice(0, 500) };
}

/**
 * Fuzzes every route the service lists in /help (so a new route is fuzzed without anyone adding
 * it here): `numRuns` generated requests per route and method. Each must be answered (no hang),
 * below 500, and a refused write (any answer but 2xx) must leave the service's state as it was;
 * the process must be up after each route. Failures are collected, not thrown, so one report says everything.
 */
export async function fuzzService(t: FuzzTarget, opts: { numRuns: number; seed?: number }): Promise<FuzzReport> {
  const routes: RouteEntry[] = [...(await routesOfService(t.base, t.authorization)), ...(await proxiedRoutes(t.base, t.authorization))];
  const report: FuzzReport = { service: t.name, routes: 0, cases: 0, statuses: {}, failures: [], skipped: [] };
  let state = await t.snapshot();
  for (const r of routes) {
    for (const method of methodsOf(r)) {
      const key = `${method} ${r.path}`;
      if (t.skip?.[key]) {
        report.skipped.push(`${key}: ${t.skip[key]}`);
        continue;
      }
      report.routes++;
      const bodies = t.bodies[r.path] ?? t.bodies['*'] ?? [];
      const property = fc.asyncProperty(caseArb(method, r.path, { known: t.known, bodies, authorization: t.authorization }), async (c) => {
        report.cases++;
        let answer;
        try {
          answer = await send(t.base, c);
        } catch (err) {
          throw new Error(`no answer to ${c.method} ${c.path}?${c.query}: ${(err as Error).message}`);
        }
        report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
        if (answer.status >= 500) throw new Error(`${c.method} ${c.path}?${c.query} answered ${answer.status}: ${answer.text}`);
        if (method === 'GET' || method === 'HEAD') return;
        const after = await t.snapshot();
        const accepted = answer.status >= 200 && answer.status < 300;
        if (!accepted && !isDeepStrictEqual(after, state)) throw new Error(`${c.method} ${c.path} was refused (${answer.status}: ${answer.text}) yet the state changed: before ${JSON.stringify(state).slice(0, 1_000)}, after ${JSON.stringify(after).slice(0, 1_000)}`);
        state = after;
      });
      const out = await fc.check(property, { numRuns: opts.numRuns, ...(opts.seed !== undefined ? { seed: opts.seed } : {}), endOnFailure: true });
      if (out.failed) report.failures.push(`${t.name} ${key}: ${fc.defaultReportMessage(out) ?? 'failed'}`);
      if (!(await t.alive())) {
        report.failures.push(`${t.name} is down after fuzzing ${key}`);
        return report;
      }
      state = await t.snapshot(); // shrinking may have run accepted cases
    }
  }
  return report;
}
