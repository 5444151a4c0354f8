import { readFileSync } from 'node:fs';
import { TokenIssuer } from '@strata/lib';
import { clusterUrl, setClusterToken } from '../cluster/config';
import { GatewayClient } from '../cluster/gateway-client';

export interface LoginOptions {
  username: string;
  password?: string;
  passwordEnv?: string;
  privateKey?: string;
}

/**
 * `strata auth login`, as `dcos auth login`: a principal and its password (from --password,
 * the variable --password-env names, or stdin), or a service account's --private-key (the CLI
 * signs a short login token with it; the key never leaves this machine). The gateway answers
 * with a cluster token, kept in the cluster's entry of ~/.strata/clusters.json (mode 0600).
 */
export async function authLogin(o: LoginOptions): Promise<void> {
  const body = o.privateKey ? { uid: o.username, token: (await new TokenIssuer(readFileSync(o.privateKey, 'utf8'), undefined, 300).issue(o.username)).token } : { uid: o.username, password: passwordOf(o) };
  const { token, expires_at } = await new GatewayClient(clusterUrl()).call<{ token: string; expires_at?: string }>('POST', '/acs/api/v1/auth/login', body);
  const name = setClusterToken(token);
  process.stdout.write(`logged in to ${name} as ${o.username}${expires_at ? ` (until ${expires_at})` : ''}\n`);
}

function passwordOf(o: LoginOptions): string {
  if (o.password !== undefined) return o.password;
  if (o.passwordEnv) {
    const v = process.env[o.passwordEnv];
    if (v === undefined) throw new Error(`--password-env ${o.passwordEnv}: the variable is not set`);
    return v;
  }
  const line = readFileSync(0, 'utf8').split('\n')[0]!.replace(/\r$/, '');
  if (!line) throw new Error('no password: give --password, --password-env VAR, or the password on stdin');
  return line;
}

/** `strata auth logout`: forgets the current cluster's token. */
export function authLogout(): void {
  process.stdout.write(`logged out of ${setClusterToken(undefined)}\n`);
}
