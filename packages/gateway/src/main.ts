import * as path from 'node:path';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { TokenIssuer, createLogger, parseRateLimit, schemeOf, tlsFromEnv, credentialHeaderFrom, httpSecurityFrom, parseCredentials, parsePort, runMain, stopOnSignals, withSecurityFlags, type SecurityFlags } from '@strata/lib';
import { LOGIN_PATH } from './auth/login';
import { startGateway } from './server';

const tls = tlsFromEnv();
const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean).map((u) => (/^https?:\/\//.test(u) ? u : `${schemeOf(tls)}://${u}`));

/** The UI package's build, when it is installed and built (else / lists the routes). */
function builtUi(): string | undefined {
  try {
    return path.dirname(require.resolve('@strata/ui/dist/index.html'));
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const cmd = new Command('strata-gateway')
    .description("One address for the whole cluster (DC/OS's Admin Router): /mesos, /marathon, /chronos, /service/NAME, /agent/ID and the UI")
    .option('--port <port>', 'port to listen on', '8000')
    .option('--http-address <ip>', 'address to listen on', '0.0.0.0')
    .option('--master <masters>', 'the masters: host:port, a comma-separated list, or etcd://HOST:PORT,…/NAME', '127.0.0.1:5050')
    .option('--marathon <urls>', "Marathon instances, comma-separated (any: standbys forward to the leader); '' for none", '127.0.0.1:8080')
    .option('--chronos <urls>', "Chronos instances, comma-separated; '' for none", '127.0.0.1:4400')
    .option('--ui-dir <dir>', 'the web UI files to serve at / (default: the built @strata/ui)');
  const opts = withSecurityFlags(cmd, ['/health', LOGIN_PATH, 'the UI files'])
    .option('--token-private-key <file>', 'the private key (PEM) that signs tokens at login (with --credentials)')
    .option('--credential <file>', "the gateway's own principal and secret for its reads of the master and Marathon (Mesos's --credential)")
    .parse()
    .opts<{ port: string; httpAddress: string; master: string; marathon: string; chronos: string; uiDir?: string; tokenPrivateKey?: string; credential?: string } & SecurityFlags>();
  const log = createLogger('gateway');
  const uiDir = opts.uiDir ?? builtUi();
  const security = httpSecurityFrom(opts);
  const rateLimit = parseRateLimit(opts.rateLimit);
  const login = security && opts.credentials && opts.tokenPrivateKey ? { credentials: parseCredentials(readFileSync(opts.credentials, 'utf8')), issuer: new TokenIssuer(readFileSync(opts.tokenPrivateKey, 'utf8')) } : undefined;
  const gw = await startGateway(
    { host: opts.httpAddress, port: parsePort(opts.port), master: opts.master, marathon: list(opts.marathon), chronos: list(opts.chronos), ...(uiDir ? { uiDir } : {}), security, login, credentialHeader: credentialHeaderFrom(opts.credential), ...(tls ? { tls } : {}), ...(rateLimit ? { rateLimit } : {}) },
    { log },
  );
  stopOnSignals(log, () => gw.close());
}

runMain('strata-gateway', main);
