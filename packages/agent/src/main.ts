import { Command } from 'commander';
import * as os from 'node:os';
import * as path from 'node:path';
import { aclsFrom, credentialFrom, createLogger, parseRateLimit, tlsFromEnv, httpSecurityFrom, isStrataError, stopOnSignals, parsePort, runMain, withSecurityFlags, type SecurityFlags } from '@strata/lib';
import { startAgent } from './server';
import { agentResources } from './resources/detect';
import { parseAttributes } from './config';


async function main(): Promise<void> {
  const cmd = new Command('strata-agent')
    .description('Strata agent: advertises this machine to a master and runs the tasks it launches')
    .requiredOption('--master <host:port>', 'the master to register with')
    .option('--port <port>', 'HTTP port (health, metrics, state); 0 picks a free one', parsePort, 5051)
    .option('--ip <ip>', 'address to bind the HTTP port to', '0.0.0.0')
    .option('--advertise-ip <ip>', 'address the master and frameworks should use to reach this agent', '127.0.0.1')
    .option('--hostname <name>', 'hostname advertised in offers and given to tasks as HOST', os.hostname())
    .option('--work-dir <dir>', 'where sandboxes and agent state live', path.join(os.tmpdir(), 'strata', 'agent'))
    .option('--resources <spec>', "resources to offer instead of detected ones, e.g. 'cpus:4;mem:8192;ports:[31000-32000]'; 'cpus(web):2' reserves for role web")
    .option('--attributes <spec>', "attributes for constraints, e.g. 'rack:r1;zone:a'", '')
    .option('--kill-grace-period <seconds>', 'default time between SIGTERM and SIGKILL', '3')
    .option('--isolation <kind>', "'cgroups' (falls back to none when it cannot) or 'none'", 'cgroups')
    .option('--cgroups-enable-cfs', 'cap each task at its cpus with a CFS quota')
    .option('--status-update-retry <seconds>', 'first resend interval of unacknowledged status updates', '10')
    .option('--docker-socket <path>', "the Docker engine's socket ('' disables DOCKER tasks)", '/var/run/docker.sock')
    .option('--docker-pull-timeout <seconds>', 'fail a DOCKER task whose image pull takes longer', '600')
    .option('--acls <file>', "Mesos's ACL JSON; the agent honours access_sandboxes (who may read the sandboxes of tasks run as which user)")
    .option('--no-switch-user', 'run every task as the agent itself, not as its user (Mesos: --switch_user=false)')
    .option('--no-private-tmp', "let tasks run as a user share the host's /tmp, /var/tmp, /dev/shm and /run/lock")
    .option('--credential <file>', "what it registers with when the master authenticates: Mesos's credential file ({\"principal\", \"secret\"} or 'principal secret')");
  const opts = withSecurityFlags(cmd)
    .parse()
    .opts<SecurityFlags & { master: string; port: number; ip: string; advertiseIp: string; hostname: string; workDir: string; resources?: string; attributes: string; killGracePeriod: string; isolation: string; cgroupsEnableCfs?: boolean; statusUpdateRetry: string; dockerSocket: string; dockerPullTimeout: string; credential?: string; switchUser: boolean; privateTmp: boolean; acls?: string }>();

  let resources;
  let reservations;
  let attributes;
  try {
    ({ unreserved: resources, reserved: reservations } = agentResources(opts.workDir, opts.resources));
    attributes = parseAttributes(opts.attributes);
  } catch (err) {
    process.stderr.write(`strata-agent: ${isStrataError(err) || err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const grace = Number(opts.killGracePeriod);
  if (!Number.isFinite(grace) || grace < 0) {
    process.stderr.write(`strata-agent: --kill-grace-period '${opts.killGracePeriod}' is not a non-negative number\n`);
    process.exit(2);
  }
  if (opts.isolation !== 'cgroups' && opts.isolation !== 'none') {
    process.stderr.write(`strata-agent: --isolation must be 'cgroups' or 'none', not '${opts.isolation}'\n`);
    process.exit(2);
  }
  const retry = Number(opts.statusUpdateRetry);
  if (!Number.isFinite(retry) || retry <= 0) {
    process.stderr.write(`strata-agent: --status-update-retry '${opts.statusUpdateRetry}' is not a positive number\n`);
    process.exit(2);
  }
  let security;
  let masterAuthorization;
  let acls;
  try {
    acls = aclsFrom(opts.acls);
    security = httpSecurityFrom(opts);
    masterAuthorization = credentialFrom(opts.credential)?.authorization;
  } catch (err) {
    process.stderr.write(`strata-agent: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const log = createLogger('agent');
  const running = await startAgent({
    log,
    host: opts.ip,
    security,
    acls,
    rateLimit: parseRateLimit(opts.rateLimit),
    config: {
      master: opts.master,
      masterAuthorization,
      tls: tlsFromEnv(),
      switchUser: opts.switchUser,
      privateTmp: opts.privateTmp,
      port: opts.port,
      advertiseIp: opts.advertiseIp,
      hostname: opts.hostname,
      workDir: path.resolve(opts.workDir),
      resources,
      reservations,
      attributes,
      defaultKillGraceMs: grace * 1000,
      isolation: opts.isolation,
      cgroupsEnableCfs: !!opts.cgroupsEnableCfs,
      statusUpdateRetry: { initialMs: retry * 1000, factor: 2, maxMs: 600_000 },
      dockerSocket: opts.dockerSocket,
      dockerPullTimeoutMs: Math.max(1, Number(opts.dockerPullTimeout) || 600) * 1000,
    },
  });
  const shutdown = stopOnSignals(log, running.stop);
  // SIGTERM/SIGINT leave tasks running for the next agent to recover (Mesos's behaviour);
  // SIGUSR1 kills them first, like Mesos's agent shutdown.
  process.once('SIGUSR1', () => {
    log.info('killing all tasks before stopping');
    running.agent.shutdownTasks().then(
      () => shutdown('SIGUSR1'),
      (err: unknown) => {
        log.error({ err }, 'cannot kill every task');
        shutdown('SIGUSR1');
      },
    );
  });
}

runMain('strata-agent', main);
