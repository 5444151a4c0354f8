/**
 * What a request presents in its Authorization header: DC/OS's `token=JWT`, `Bearer JWT`, or
 * Basic `principal:secret` (Mesos's HTTP authentication). Pure.
 */
export type Presented = { kind: 'token'; token: string } | { kind: 'basic'; principal: string; secret: string };

/** Undefined without a header; `invalid` for one that is none of the three. */
export function presentedBy(header: string | undefined): Presented | 'invalid' | undefined {
  if (header === undefined || header === '') return undefined;
  const h = header.trim();
  const token = /^token=(\S+)$/i.exec(h) ?? /^Bearer\s+(\S+)$/i.exec(h);
  if (token) return { kind: 'token', token: token[1]! };
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(h);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return 'invalid';
    return { kind: 'basic', principal: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  return 'invalid';
}

/** The header a client sends for `p` (the CLI, the SDK, tests). */
export function authorizationFor(p: Presented): string {
  return p.kind === 'token' ? `token=${p.token}` : `Basic ${Buffer.from(`${p.principal}:${p.secret}`).toString('base64')}`;
}
