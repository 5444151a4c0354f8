import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { StrataError } from '../errors/strata-error';
import { systemClock, type Clock } from '../time/clock';

/**
 * The cluster's signed tokens (JWTs, EdDSA over Ed25519, by `jose`): the gateway's login signs
 * one for a principal whose credentials it checked, and every service verifies it with the
 * public key alone, so no service needs the secrets or asks anyone per request. Short-lived:
 * a client logs in again (or refreshes) when it expires.
 */
export const TOKEN_ISSUER = 'strata';
export const DEFAULT_TOKEN_TTL_S = 3_600;

export interface VerifiedToken {
  principal: string;
  expiresAt: number;
}

/** A new Ed25519 key pair as PEM (`strata up --secure` writes them to the work dir). */
export function generateTokenKeys(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export class TokenIssuer {
  private readonly key: KeyObject;

  constructor(privateKeyPem: string, private readonly clock: Clock = systemClock, private readonly ttlS = DEFAULT_TOKEN_TTL_S) {
    this.key = createPrivateKey(privateKeyPem);
  }

  /** A token for `principal`, valid `ttlS` seconds from now (DC/OS's claim is `uid`). */
  async issue(principal: string, ttlS = this.ttlS): Promise<{ token: string; expiresAt: number }> {
    const now = Math.floor(this.clock.now() / 1000);
    const token = await new SignJWT({ uid: principal }).setProtectedHeader({ alg: 'EdDSA' }).setSubject(principal).setIssuer(TOKEN_ISSUER).setIssuedAt(now).setExpirationTime(now + ttlS).sign(this.key);
    return { token, expiresAt: (now + ttlS) * 1000 };
  }
}

export class TokenVerifier {
  private readonly key: KeyObject;
  /**
   * Tokens already verified, until they expire: a client sends the same token on every request,
   * and an Ed25519 check costs ~250 µs here (a tenth of a GET /v2/apps) where a lookup costs
   * nothing. Bounded; the oldest entry goes first. Only what verified is kept.
   */
  private readonly verified = new Map<string, VerifiedToken>();
  private static readonly MAX_CACHED = 10_000;

  constructor(publicKeyPem: string, private readonly clock: Clock = systemClock, private readonly issuer: string | undefined = TOKEN_ISSUER) {
    this.key = createPublicKey(publicKeyPem);
  }

  /** The principal a token was signed for; UNAUTHENTICATED (with why) for a bad, expired or foreign one. */
  async verify(token: string): Promise<VerifiedToken> {
    const known = this.verified.get(token);
    if (known && known.expiresAt > this.clock.now()) return known;
    this.verified.delete(token);
    const fresh = await this.check(token);
    if (this.verified.size >= TokenVerifier.MAX_CACHED) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, fresh);
    return fresh;
  }

  private async check(token: string): Promise<VerifiedToken> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: [algorithmOf(this.key)], ...(this.issuer ? { issuer: this.issuer } : {}), currentDate: new Date(this.clock.now()), requiredClaims: ['exp'] });
      const principal = typeof payload.uid === 'string' ? payload.uid : payload.sub;
      if (!principal) throw new StrataError('UNAUTHENTICATED', 'the token names no principal (uid or sub)');
      return { principal, expiresAt: payload.exp! * 1000 };
    } catch (err) {
      if (err instanceof StrataError) throw err;
      const why = err instanceof joseErrors.JWTExpired ? 'the token has expired' : `the token is not valid: ${(err as Error).message}`;
      throw new StrataError('UNAUTHENTICATED', why, { cause: err });
    }
  }
}

/** The one JWS algorithm a key may sign with (a service account's key may be RSA, as DC/OS's are). */
function algorithmOf(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'EdDSA';
    case 'rsa':
      return 'RS256';
    case 'ec':
      return 'ES256';
    default:
      throw new StrataError('INVALID_REQUEST', `a token key must be Ed25519, RSA or EC P-256, not ${key.asymmetricKeyType}`);
  }
}
