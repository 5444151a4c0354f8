import { StrataError } from '../errors/strata-error';

/**
 * Who may authenticate, from a credentials file in Mesos's format: JSON
 * `{"credentials": [{"principal": "ops", "secret": "…"}]}`, or text with one `principal secret`
 * per line. A service account has a `public_key` (PEM) instead of a secret: it logs in with a
 * token it signed itself (DC/OS's service login). Pure: the caller reads the file.
 */
export interface Credential {
  principal: string;
  secret?: string;
  publicKey?: string;
}

export type Credentials = ReadonlyMap<string, Credential>;

export function parseCredentials(text: string): Credentials {
  const fail = (msg: string) => new StrataError('INVALID_REQUEST', `invalid credentials: ${msg}`);
  const out = new Map<string, Credential>();
  const add = (c: Credential, where: string) => {
    if (!c.principal || /\s|:/.test(c.principal)) throw fail(`${where}: a principal is a name without spaces or ':'`);
    if (out.has(c.principal)) throw fail(`${where}: principal '${c.principal}' is given twice`);
    if (!c.secret && !c.publicKey) throw fail(`${where}: principal '${c.principal}' has neither a secret nor a public_key`);
    out.set(c.principal, c);
  };
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (err) {
      throw fail(`not JSON: ${(err as Error).message}`);
    }
    const list = (json as { credentials?: unknown }).credentials;
    if (!Array.isArray(list)) throw fail("expected {\"credentials\": [...]}");
    list.forEach((c: unknown, i) => {
      const r = (c ?? {}) as Record<string, unknown>;
      const str = (k: string) => (typeof r[k] === 'string' && r[k] ? (r[k] as string) : undefined);
      add({ principal: str('principal') ?? '', secret: str('secret'), publicKey: str('public_key') }, `credentials[${i}]`);
    });
    return out;
  }
  trimmed.split('\n').forEach((line, i) => {
    const l = line.trim();
    if (!l || l.startsWith('#')) return;
    const [principal, secret, ...more] = l.split(/\s+/);
    if (!secret || more.length) throw fail(`line ${i + 1}: expected 'principal secret'`);
    add({ principal: principal!, secret }, `line ${i + 1}`);
  });
  return out;
}
