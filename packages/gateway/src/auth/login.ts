import type { Request, Response } from 'express';
import { sessionCookie } from './session-cookie';
import { StrataError, TokenVerifier, type Authenticator, type Clock, type Credentials, type TokenIssuer } from '@strata/lib';

/** DC/OS's login path (the IAM behind Admin Router); the CLI and the UI post here. */
export const LOGIN_PATH = '/acs/api/v1/auth/login';

/**
 * POST /acs/api/v1/auth/login, as DC/OS: `{"uid", "password"}` for a principal with a secret, or
 * `{"uid", "token"}` for a service account, whose token it signed with its own private key (the
 * gateway checks it with the account's public key from the credentials file). Answers
 * `{"token"}`, a cluster token every service verifies with the cluster's public key.
 */
export function loginHandler(deps: { authenticator: Authenticator; credentials: Credentials; issuer: TokenIssuer; clock: Clock; secureCookie: boolean }) {
  return async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { uid?: unknown; password?: unknown; token?: unknown };
    if (typeof body.uid !== 'string' || !body.uid || (typeof body.password !== 'string' && typeof body.token !== 'string')) {
      throw new StrataError('BAD_REQUEST', 'expected {"uid", "password"} or {"uid", "token"} (a service login)');
    }
    const uid = body.uid;
    if (typeof body.password === 'string') {
      if (!deps.authenticator.checkSecret(uid, body.password)) throw new StrataError('UNAUTHENTICATED', 'invalid uid or password');
    } else {
      const pem = deps.credentials.get(uid)?.publicKey;
      if (!pem) throw new StrataError('UNAUTHENTICATED', `'${uid}' is not a service account (no public_key in the credentials)`);
      // The account signs its own login token: no issuer to insist on, only its key and uid.
      const { principal } = await new TokenVerifier(pem, deps.clock, undefined).verify(body.token as string);
      if (principal !== uid) throw new StrataError('UNAUTHENTICATED', `the service login token is for '${principal}', not '${uid}'`);
    }
    const { token, expiresAt } = await deps.issuer.issue(uid);
    // The browser keeps it as DC/OS's cookie; the CLI keeps the token from the body.
    res.setHeader('Set-Cookie', sessionCookie(token, expiresAt, deps.clock.now(), deps.secureCookie));
    res.json({ token, expires_at: new Date(expiresAt).toISOString() });
  };
}
