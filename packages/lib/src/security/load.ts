import { readFileSync } from 'node:fs';
import { StrataError } from '../errors/strata-error';
import type { Clock } from '../time/clock';
import { PERMISSIVE_ACLS, parseAcls, type Acls } from './acls';
import { Authenticator } from './authenticator';
import { authorizationFor } from './authorization-header';
import { parseCredentials } from './credentials';
import type { HttpSecurity } from './http-guard';
import { PERMISSIVE_PERMISSIONS, parsePermissions, type Permissions } from './permissions';
import { TokenVerifier } from './tokens';
import type { RateLimit } from '../http/rate-limit';

/** The flags every service takes for authentication (Mesos's names where it has them). */
export interface SecurityFlags {
  /** Refuse requests without valid credentials (Mesos's --authenticate_http_readwrite and friends in one). */
  authenticate?: boolean;
  /** Who may log in: Mesos's credentials file (JSON or `principal secret` lines). */
  credentials?: string;
  /** The public key (PEM) that verifies the cluster's tokens. */
  tokenPublicKey?: string;
  /** --rate-limit: writes a second per principal (N or N/BURST). */
  rateLimit?: string;
}

function read(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new StrataError('INVALID_REQUEST', `cannot read ${what} ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The HTTP security of a service from its flags; undefined when authentication is off. */
export function httpSecurityFrom(flags: SecurityFlags, clock?: Clock): HttpSecurity | undefined {
  if (!flags.authenticate) return undefined;
  if (!flags.credentials && !flags.tokenPublicKey) throw new StrataError('INVALID_REQUEST', '--authenticate needs --credentials FILE or --token-public-key FILE: with neither, nobody could ever be let in');
  const credentials = flags.credentials ? parseCredentials(read(flags.credentials, 'the credentials file')) : undefined;
  const verifier = flags.tokenPublicKey ? new TokenVerifier(read(flags.tokenPublicKey, 'the token public key'), clock) : undefined;
  return { authenticator: new Authenticator({ credentials, verifier }) };
}

/** Mesos's --acls (a file); permissive when not given. */
export const aclsFrom = (file: string | undefined): Acls => (file ? parseAcls(jsonOf(read(file, 'the ACLs file'), file)) : PERMISSIVE_ACLS);

/** The frameworks' --permissions (a file); everything allowed when not given. */
export const permissionsFrom = (file: string | undefined): Permissions => (file ? parsePermissions(jsonOf(read(file, 'the permissions file'), file)) : PERMISSIVE_PERMISSIONS);

/**
 * The Authorization header a service sends as a client (the gateway to its upstreams), from
 * Mesos's --credential file: `{"principal", "secret"}` or `principal secret`.
 */
export function credentialHeaderFrom(file: string | undefined): string | undefined {
  return credentialFrom(file)?.authorization;
}

/** A client's own credential (Mesos's --credential of agents and frameworks): its principal and the Authorization it sends. */
export function credentialFrom(file: string | undefined): { principal: string; authorization: string } | undefined {
  if (!file) return undefined;
  const text = read(file, 'the credential file').trim();
  const one = text.startsWith('{') ? (jsonOf(text, file) as { principal?: unknown; secret?: unknown }) : (([principal, secret]) => ({ principal, secret }))(text.split(/\s+/));
  if (typeof one.principal !== 'string' || typeof one.secret !== 'string' || !one.principal || !one.secret) throw new StrataError('INVALID_REQUEST', `the credential file ${file} must hold {"principal", "secret"} or 'principal secret'`);
  return { principal: one.principal, authorization: authorizationFor({ kind: 'basic', principal: one.principal, secret: one.secret }) };
}

function jsonOf(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new StrataError('INVALID_REQUEST', `${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** `--rate-limit N` (N writes a second, bursts of 2N) or `N/B` (bursts of B); undefined when not given or 0. */
export function parseRateLimit(v: string | undefined): RateLimit | undefined {
  if (v === undefined || v === '' || v === '0') return undefined;
  const m = /^(\d+(?:\.\d+)?)(?:\/(\d+))?$/.exec(v.trim());
  const perSecond = m ? Number(m[1]) : NaN;
  if (!m || !(perSecond > 0)) throw new StrataError('INVALID_REQUEST', `--rate-limit '${v}' is not N (writes a second) or N/BURST, e.g. 20 or 20/100`);
  const burst = m[2] !== undefined ? Number(m[2]) : Math.max(1, Math.ceil(perSecond * 2));
  if (burst < 1) throw new StrataError('INVALID_REQUEST', `--rate-limit '${v}': the burst must be at least 1`);
  return { perSecond, burst };
}

/** Adds --authenticate, --credentials, --token-public-key and --rate-limit to a service's command line (commander's, structurally). */
export function withSecurityFlags<C extends { option(flags: string, description: string): C }>(cmd: C, open: readonly string[] = ['/health']): C {
  return cmd
    .option('--authenticate', `refuse requests without valid credentials (401); ${open.join(' and ')} stay open`)
    .option('--credentials <file>', "who may authenticate with Basic: Mesos's credentials file (JSON or 'principal secret' lines)")
    .option('--token-public-key <file>', "the public key (PEM) that verifies the cluster's tokens (token=JWT, Bearer)")
    .option('--rate-limit <writes/s>', 'writes (POST, PUT, PATCH, DELETE) a principal (or an address, without authentication) may make a second, N or N/BURST; 429 beyond (default: none)');
}
