import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { createLogger, stopOnSignals, parsePort, runMain } from '@strata/lib';
import { startMarathon } from './server';
import { DEFAULT_LIMITS } from './model/limits';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`'${value}' is not a positive integer`);
  return n;
}


async function main(): Promise<void> {
  const opts = new Command('strata-marathon')
    .description("Strata's init framework: keeps apps running at N instances, with Marathon's /v2 REST API")
    .requiredOption('--master <host:port>', 'the Strata master')
    .option('--http-port <port>', 'REST API port (0 picks a free one)', parsePort, 8080)
    .option('--http-address <ip>', 'address to bind', '0.0.0.0')
    .option('--hostname <name>', 'hostname advertised in /v2/info and the leader header', os.hostname())
    .option('--state <dir>', 'where apps, versions, instances and deployments are kept', path.join(os.tmpdir(), 'strata', 'marathon'))
    .option('--failover-timeout <seconds>', 'how long the master keeps our tasks while we are away', '604800')
    .option('--decline-offer-duration <seconds>', 'how long unneeded offers stay declined', '120')
    .option('--max-instances-per-app <n>', 'most instances one app may ask for', positiveInt, DEFAULT_LIMITS.maxInstances)
    .option('--max-event-streams <n>', 'most /v2/events streams open at once', positiveInt, 256)
    .parse()
    .opts<{ master: string; httpPort: number; httpAddress: string; hostname: string; state: string; failoverTimeout: string; declineOfferDuration: string; maxInstancesPerApp: number; maxEventStreams: number }>();
  const log = createLogger('marathon');
  const running = await startMarathon({
    log,
    host: opts.httpAddress,
    stateDir: path.resolve(opts.state),
    config: {
      master: opts.master,
      hostname: opts.hostname,
      httpPort: opts.httpPort,
      failoverTimeoutSeconds: Number(opts.failoverTimeout),
      declineOfferSeconds: Number(opts.declineOfferDuration),
      localPortMin: 10_000,
      localPortMax: 20_000,
      limits: { maxInstances: opts.maxInstancesPerApp },
      maxEventStreams: opts.maxEventStreams,
    },
  });
  stopOnSignals(log, running.stop);
}

runMain('strata-marathon', main);
