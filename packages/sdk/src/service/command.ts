import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { authorizationFor, createLogger, httpSecurityFrom, parseRateLimit, type RateLimit, withSecurityFlags, parsePort, permissionsFrom, stopOnSignals, type HttpSecurity, type Logger, type Permissions, type StateStore } from '@strata/lib';
import { etcdTarget, type EtcdTarget } from '@strata/lib/ha';

/** The flags every framework service takes (Marathon's and Chronos's names). */
export interface FrameworkServiceFlags {
  master: string;
  httpPort: number;
  httpAddress: string;
  hostname: string;
  state: string;
  failoverTimeout: string;
  etcd?: string;
  clusterName: string;
  ha?: boolean;
  leaseTtl: string;
  authenticate?: boolean;
  credentials?: string;
  tokenPublicKey?: string;
  permissions?: string;
  mesosAuthenticationPrincipal?: string;
  mesosAuthenticationSecretFile?: string;
  rateLimit?: string;
}

/**
 * A framework service's command line: --master, --http-port, --http-address, --hostname,
 * --state and --failover-timeout, with the service's own defaults; the caller adds its flags.
 */
export function frameworkCommand(name: string, description: string, defaults: { httpPort: number; stateDir: string; hostnameHelp: string; stateHelp: string }): Command {
  const cmd = new Command(name)
    .description(description)
    .requiredOption('--master <host:port>', 'the Strata master')
    .option('--http-port <port>', 'REST API port (0 picks a free one)', parsePort, defaults.httpPort)
    .option('--http-address <ip>', 'address to bind', '0.0.0.0')
    .option('--hostname <name>', defaults.hostnameHelp, os.hostname())
    .option('--state <dir>', defaults.stateHelp, path.join(os.tmpdir(), 'strata', defaults.stateDir))
    .option('--failover-timeout <seconds>', 'how long the master keeps our tasks while we are away', '604800')
    .option('--etcd <endpoints>', 'high availability: keep state in etcd (http://h1:2379,h2:2379,…) and run as one of several instances, one elected leader, the others proxying to it')
    .option('--cluster-name <name>', 'the Strata cluster (its key prefix in etcd)', 'strata')
    .option('--ha', 'run with high availability (needs --etcd; implied by it)')
    .option('--lease-ttl <seconds>', 'leadership lease: a dead leader is replaced about this long after it stops', '2');
  return withSecurityFlags(cmd, FRAMEWORK_OPEN_PATHS)
    .option('--permissions <file>', 'per-path permissions ({"permissions": [{principal, resource, actions}]}); without it every authenticated principal may do everything')
    .option('--mesos-authentication-principal <principal>', 'the principal it subscribes to the master as (Marathon\'s and Chronos\'s --mesos_authentication_principal)')
    .option('--mesos-authentication-secret-file <file>', 'the file holding that principal\'s secret (--mesos_authentication_secret_file)');
}

/** How a framework service is started (by its main, by tests, by `strata up`): its config, where its state lives, its logger. */
export interface FrameworkServiceOptions<C> {
  config: C;
  stateDir: string;
  log: Logger;
  /** A store to use instead of the file store under stateDir (tests: one that fails or holds writes). */
  store?: StateStore;
  host?: string;
  /** High availability: state in etcd, one leader among the instances of the cluster. */
  etcd?: EtcdTarget;
  leaseTtlSeconds?: number;
  /** Authentication of the HTTP API (--authenticate); absent: every request is anonymous. */
  security?: HttpSecurity;
  /** Who may do what on which app or job (--permissions); absent: everything. */
  permissions?: Permissions;
  /** Writes per principal (--rate-limit); absent: no limit. */
  rateLimit?: RateLimit;
}

/** What a framework service leaves open when authentication is on: probes (Marathon's /ping). */
export const FRAMEWORK_OPEN_PATHS = ['/health', '/ping'];

/** The common flags as the start options and config fields every framework service shares. */
export function frameworkServiceBase(flags: FrameworkServiceFlags): { host: string; stateDir: string; etcd?: EtcdTarget; leaseTtlSeconds: number; security?: HttpSecurity; permissions: Permissions; rateLimit?: RateLimit; config: { master: string; masterCredential?: MasterCredential; hostname: string; httpPort: number; failoverTimeoutSeconds: number } } {
  if (flags.ha && !flags.etcd) throw new Error('--ha needs --etcd: the instances elect their leader and share their state there');
  const ttl = Number(flags.leaseTtl);
  if (!Number.isInteger(ttl) || ttl < 1) throw new Error(`--lease-ttl: '${flags.leaseTtl}' is not a whole number of seconds >= 1`);
  return {
    host: flags.httpAddress,
    stateDir: path.resolve(flags.state),
    ...(flags.etcd ? { etcd: etcdTarget(flags.etcd, flags.clusterName) } : {}),
    leaseTtlSeconds: ttl,
    security: withOpenPaths(httpSecurityFrom(flags)),
    permissions: permissionsFrom(flags.permissions),
    ...rateLimitOf(flags),
    config: { master: flags.master, ...masterCredentialOf(flags), hostname: flags.hostname, httpPort: flags.httpPort, failoverTimeoutSeconds: Number(flags.failoverTimeout) },
  };
}

/** A started service: the port it listens on (0 at start picks one), and how to stop it. */
export interface RunningService {
  port: number;
  stop(): Promise<void>;
}

/**
 * A framework service's main after its flags are parsed: a logger named for it, the common
 * options from the flags, `start` (which adds the service's own config), and a clean stop on
 * SIGTERM/SIGINT.
 */
export async function serveFramework(name: string, flags: FrameworkServiceFlags, start: (base: ReturnType<typeof frameworkServiceBase> & { log: Logger }) => Promise<RunningService>): Promise<void> {
  const log = createLogger(name);
  const running = await start({ log, ...frameworkServiceBase(flags) });
  stopOnSignals(log, running.stop);
}

/** Who a framework subscribes as when the master authenticates: its principal, and the Authorization it sends. */
export interface MasterCredential {
  principal: string;
  authorization: string;
}

const rateLimitOf = (flags: FrameworkServiceFlags): { rateLimit?: RateLimit } => {
  const rateLimit = parseRateLimit(flags.rateLimit);
  return rateLimit ? { rateLimit } : {};
};

function masterCredentialOf(flags: FrameworkServiceFlags): { masterCredential?: MasterCredential } {
  const { mesosAuthenticationPrincipal: principal, mesosAuthenticationSecretFile: file } = flags;
  if (!principal && !file) return {};
  if (!principal || !file) throw new Error('--mesos-authentication-principal and --mesos-authentication-secret-file go together');
  let secret: string;
  try {
    secret = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(`cannot read --mesos-authentication-secret-file ${file}: ${(err as Error).message}`);
  }
  if (!secret) throw new Error(`--mesos-authentication-secret-file ${file} is empty`);
  return { masterCredential: { principal, authorization: authorizationFor({ kind: 'basic', principal, secret }) } };
}

function withOpenPaths(sec: HttpSecurity | undefined): HttpSecurity | undefined {
  return sec && { ...sec, open: FRAMEWORK_OPEN_PATHS };
}
