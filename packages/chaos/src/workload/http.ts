import type { Outcome } from '../history/history';

export interface Answer<T = any> {
  status: number;
  body: T;
}

/** One JSON request with a deadline; a network error or timeout throws (the caller records `info`). */
export async function call<T = any>(base: string, method: string, p: string, body?: unknown, timeoutMs = 10_000): Promise<Answer<T>> {
  const r = await fetch(base + p, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'follow',
  });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: r.status, body: parsed as T };
}

/**
 * What an HTTP answer says about a write: 2xx happened; 4xx was refused (conflict, invalid, not
 * found); a 5xx may or may not have (a standby's proxy answers 503 also when it lost the leader
 * after forwarding the request), so it is unknown.
 */
export function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 400 && status < 500) return 'fail';
  return 'info';
}
