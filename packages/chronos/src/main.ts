import { parseSeconds, runMain } from '@strata/lib';
import { frameworkCommand, serveFramework, type FrameworkServiceFlags } from '@strata/sdk';
import { startChronos } from './server';

async function main(): Promise<void> {
  const opts = frameworkCommand('strata-chronos', "Strata's cron framework: ISO 8601 and cron schedules, retries and dependencies, with Chronos's REST API", { httpPort: 4400, stateDir: 'chronos', hostnameHelp: 'hostname advertised in /leader', stateHelp: 'where jobs, their state and runs are kept' })
    .option('--failure-retry <seconds>', 'delay before a failed run is retried', '60')
    .option('--reconciliation-interval <seconds>', 'how often runs in flight are reconciled with the master (Chronos: --reconciliation_interval)', '10')
    .option('--cors-origin <origins>', 'comma-separated origins allowed to call the API from a browser (none by default; * for any)', '')
    .parse()
    .opts<FrameworkServiceFlags & { failureRetry: string; reconciliationInterval: string; corsOrigin: string }>();
  await serveFramework('chronos', opts, (base) =>
    startChronos({
      ...base,
      config: {
        ...base.config,
        failureRetryMs: Number(opts.failureRetry) * 1000,
        historyPerJob: 100,
        reconcileIntervalMs: parseSeconds('--reconciliation-interval', opts.reconciliationInterval) * 1000,
        corsOrigins: opts.corsOrigin.split(',').map((o) => o.trim()).filter(Boolean),
      },
    }),
  );
}

runMain('strata-chronos', main);
