import { createHash, timingSafeEqual } from 'node:crypto';
import { StrataError } from '../errors/strata-error';
import { presentedBy } from './authorization-header';
import type { Credentials } from './credentials';
import type { TokenVerifier } from './tokens';

/**
 * Who a request is, from its Authorization header: a token the cluster signed (checked with the
 * public key), or Basic with a principal's secret from the credentials file. Undefined for a
 * request that presents nothing (the caller decides whether anonymous is allowed); a
 * StrataError UNAUTHENTICATED for one that presents something wrong.
 */
export class Authenticator {
  constructor(private readonly opts: { credentials?: Credentials; verifier?: TokenVerifier }) {}

  async principalOf(header: string | undefined): Promise<string | undefined> {
    const p = presentedBy(header);
    if (p === undefined) return undefined;
    if (p === 'invalid') throw new StrataError('UNAUTHENTICATED', "the Authorization header is none of 'token=JWT', 'Bearer JWT' or 'Basic base64(principal:secret)'");
    if (p.kind === 'token') {
      if (!this.opts.verifier) throw new StrataError('UNAUTHENTICATED', 'this service takes no tokens (it has no --token-public-key); use Basic credentials');
      return (await this.opts.verifier.verify(p.token)).principal;
    }
    if (!this.checkSecret(p.principal, p.secret)) throw new StrataError('UNAUTHENTICATED', 'invalid principal or secret', { context: { principal: p.principal } });
    return p.principal;
  }

  /** Whether `secret` is `principal`'s (in constant time: the comparison must not tell how much matched). */
  checkSecret(principal: string, secret: string): boolean {
    const known = this.opts.credentials?.get(principal)?.secret;
    const digest = (s: string) => createHash('sha256').update(s).digest();
    // A digest is compared even for an unknown principal, so timing does not tell who exists.
    const ok = timingSafeEqual(digest(known ?? '\0unknown'), digest(secret));
    return known !== undefined && ok;
  }
}
