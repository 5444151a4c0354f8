/** A failed API call, as one line a script can show: the API's own message, its 422 details. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** One line from an error body: Marathon's `message` with its `details`, Chronos's `message`, or the text. */
export function errorLine(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as { message?: string; details?: { path?: string; errors?: string[] }[] };
    const details = (b.details ?? []).map((d) => `${d.path ?? '/'}: ${(d.errors ?? []).join(', ')}`);
    if (b.message) return `${b.message}${details.length ? ` (${details.join('; ')})` : ''} [HTTP ${status}]`;
  }
  const text = typeof body === 'string' ? body.trim().split('\n')[0] : '';
  return `${text || 'request failed'} [HTTP ${status}]`;
}

/** The cluster's APIs through its gateway (/marathon, /chronos, /mesos). */
export class GatewayClient {
  constructor(
    readonly base: string,
    readonly authorization?: string,
  ) {}

  /** Headers every request carries (the login's token), with `extra`. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...extra, ...(this.authorization ? { authorization: this.authorization } : {}) };
  }

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    let r: Response;
    try {
      r = await fetch(this.base + path, { method, headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }), body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new ApiError(`cannot reach the cluster at ${this.base}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`, 0);
    }
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // a text answer
    }
    if (r.status === 401) throw new ApiError(`${errorLine(r.status, parsed)}: log in with \`strata auth login\``, r.status);
    if (!r.ok) throw new ApiError(errorLine(r.status, parsed), r.status);
    return parsed as T;
  }

  get = <T = unknown>(path: string) => this.call<T>('GET', path);
}
