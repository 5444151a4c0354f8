import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TokenIssuer, createClusterCa, generateTokenKeys, issueCertificate } from '@strata/lib';

/** The service principals `strata up --secure` creates, besides the operator's `admin`. */
const SERVICE_PRINCIPALS = ['agent', 'marathon', 'chronos', 'gateway'] as const;

/** What `strata up --secure` gives each service: flags, environment, and the operator's login. */
export interface SecureSetup {
  dir: string;
  /** LIBPROCESS_SSL_* (mutual TLS to the agents) for every service. */
  env: Record<string, string>;
  /** --authenticate with the credentials file and the token key: every service. */
  auth: string[];
  agent: string[];
  framework(name: 'marathon' | 'chronos'): string[];
  gateway: string[];
  admin: { principal: string; secret: string };
  caFile: string;
  /** A short-lived token for `admin`, for `strata up`'s own checks. */
  adminToken(): Promise<string>;
}

const secret = () => randomBytes(18).toString('base64url');
const writeSecret = (file: string, text: string) => writeFileSync(file, text, { mode: 0o600 });

/**
 * Everything a secure local cluster needs, under `dir` (kept across restarts: the same CA,
 * keys and secrets): a credentials file (admin and one principal per service, random secrets),
 * the key pair that signs and verifies the cluster's tokens, a cluster CA (openssl) and one
 * certificate for this machine that every service presents.
 */
export function prepareSecurity(dir: string, ip: string): SecureSetup {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.join(dir, name);
  const credentialsFile = file('credentials.json');
  let credentials: { principal: string; secret: string }[];
  if (existsSync(credentialsFile)) credentials = (JSON.parse(readFileSync(credentialsFile, 'utf8')) as { credentials: typeof credentials }).credentials;
  else {
    credentials = ['admin', ...SERVICE_PRINCIPALS].map((principal) => ({ principal, secret: secret() }));
    writeSecret(credentialsFile, JSON.stringify({ credentials }, null, 2));
  }
  const secretOf = (p: string) => credentials.find((c) => c.principal === p)!.secret;
  if (!existsSync(file('token.key'))) {
    const keys = generateTokenKeys();
    writeSecret(file('token.key'), keys.privateKey);
    writeFileSync(file('token.pub'), keys.publicKey);
  }
  for (const p of ['agent', 'gateway']) writeSecret(file(`${p}.credential`), `${p} ${secretOf(p)}\n`);
  for (const p of ['marathon', 'chronos']) writeSecret(file(`${p}.secret`), `${secretOf(p)}\n`);
  const ca = createClusterCa(file('ca'), 'strata');
  const hosts = [...new Set([ip, '127.0.0.1', 'localhost', os.hostname()])];
  const node = existsSync(file('certs/node.crt')) ? { cert: file('certs/node.crt'), key: file('certs/node.key') } : issueCertificate(ca, file('certs'), 'node', hosts);
  // Writes are rate-limited per principal too: generous for people and scripts, a wall for a runaway loop.
  const auth = ['--authenticate', '--credentials', credentialsFile, '--token-public-key', file('token.pub'), '--rate-limit', '50/200'];
  return {
    dir,
    env: { LIBPROCESS_SSL_ENABLED: '1', LIBPROCESS_SSL_CERT_FILE: node.cert, LIBPROCESS_SSL_KEY_FILE: node.key, LIBPROCESS_SSL_CA_FILE: ca.cert, LIBPROCESS_SSL_REQUIRE_CERT: '1' },
    auth,
    agent: [...auth, '--credential', file('agent.credential')],
    framework: (name) => [...auth, '--mesos-authentication-principal', name, '--mesos-authentication-secret-file', file(`${name}.secret`)],
    gateway: [...auth, '--token-private-key', file('token.key'), '--credential', file('gateway.credential')],
    admin: { principal: 'admin', secret: secretOf('admin') },
    caFile: ca.cert,
    adminToken: async () => (await new TokenIssuer(readFileSync(file('token.key'), 'utf8'), undefined, 600).issue('admin')).token,
  };
}
