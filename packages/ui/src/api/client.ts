/** The APIs through the gateway, on the UI's own origin. */
export interface Answer<T> {
  ok: boolean;
  status: number;
  body: T;
}

export async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const r = await fetch(path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  // Not logged in (or the login expired): the shell asks who you are. The login itself answers 401 to a wrong password, which its form shows.
  if (r.status === 401 && !path.startsWith('/acs/')) dispatchEvent(new Event('strata:unauthenticated'));
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // a text answer
  }
  return { ok: r.ok, status: r.status, body: parsed as T };
}

export const get = <T>(path: string) => call<T>('GET', path);

/** One line from an error answer: the API's message, else the status. */
export function messageOf(a: Answer<unknown>): string {
  const m = (a.body as { message?: string } | undefined)?.message;
  return m ? `${m} (${a.status})` : `HTTP ${a.status}`;
}
