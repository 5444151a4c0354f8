import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { createLogger, stopOnSignals, parsePort, runMain } from '@strata/lib';
import { startChronos } from './server';


async function main(): Promise<void> {
  const opts = new Command('strata-chronos')
    .description("Strata's cron framework: ISO 8601 and cron schedules, retries and dependencies, with Chronos's REST API")
    .requiredOption('--master <host:port>', 'the Strata master')
    .option('--http-port <port>', 'REST API port (0 picks a free one)', parsePort, 4400)
    .option('--http-address <ip>', 'address to bind', '0.0.0.0')
    .option('--hostname <name>', 'hostname advertised in /leader', os.hostname())
    .option('--state <dir>', 'where jobs, their state and runs are kept', path.join(os.tmpdir(), 'strata', 'chronos'))
    .option('--failure-retry <seconds>', 'delay before a failed run is retried', '60')
    .option('--failover-timeout <seconds>', 'how long the master keeps our tasks while we are away', '604800')
    .option('--cors-origin <origins>', 'comma-separated origins allowed to call the API from a browser (none by default; * for any)', '')
    .parse()
    .opts<{ master: string; httpPort: number; httpAddress: string; hostname: string; state: string; failureRetry: string; failoverTimeout: string; corsOrigin: string }>();
  const log = createLogger('chronos');
  const running = await startChronos({
    log,
    host: opts.httpAddress,
    stateDir: path.resolve(opts.state),
    config: {
      master: opts.master,
      hostname: opts.hostname,
      httpPort: opts.httpPort,
      failoverTimeoutSeconds: Number(opts.failoverTimeout),
      failureRetryMs: Number(opts.failureRetry) * 1000,
      historyPerJob: 100,
      corsOrigins: opts.corsOrigin.split(',').map((o) => o.trim()).filter(Boolean),
    },
  });
  stopOnSignals(log, running.stop);
}

runMain('strata-chronos', main);
