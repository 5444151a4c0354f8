import { runMain } from '@strata/lib';
import { frameworkCommand, serveFramework, type FrameworkServiceFlags } from '@strata/sdk';
import { startMarathon } from './server';
import { DEFAULT_LIMITS } from './model/limits';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`'${value}' is not a positive integer`);
  return n;
}

async function main(): Promise<void> {
  const opts = frameworkCommand('strata-marathon', "Strata's init framework: keeps apps running at N instances, with Marathon's /v2 REST API", { httpPort: 8080, stateDir: 'marathon', hostnameHelp: 'hostname advertised in /v2/info and the leader header', stateHelp: 'where apps, versions, instances and deployments are kept' })
    .option('--decline-offer-duration <seconds>', 'how long unneeded offers stay declined', '120')
    .option('--max-instances-per-app <n>', 'most instances one app may ask for', positiveInt, DEFAULT_LIMITS.maxInstances)
    .option('--max-event-streams <n>', 'most /v2/events streams open at once', positiveInt, 256)
    .option('--max-event-streams-per-principal <n>', 'most /v2/events streams one authenticated principal may hold at once (429 beyond)', positiveInt, 32)
    .parse()
    .opts<FrameworkServiceFlags & { declineOfferDuration: string; maxInstancesPerApp: number; maxEventStreams: number; maxEventStreamsPerPrincipal: number }>();
  await serveFramework('marathon', opts, (base) =>
    startMarathon({
      ...base,
      config: {
        ...base.config,
        declineOfferSeconds: Number(opts.declineOfferDuration),
        localPortMin: 10_000,
        localPortMax: 20_000,
        limits: { maxInstances: opts.maxInstancesPerApp },
        maxEventStreams: opts.maxEventStreams,
        maxEventStreamsPerPrincipal: opts.maxEventStreamsPerPrincipal,
      },
    }),
  );
}

runMain('strata-marathon', main);
