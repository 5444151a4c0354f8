import { FileStateStore, createHttpApp, createMetricsRegistry, finishHttpApp, listenHttp, systemClock, Gauge, type Logger, type StateStore } from '@strata/lib';
import { Marathon, type MarathonConfig } from './marathon';
import { marathonErrorShape } from './api/errors';
import { Repository } from './state/repository';
import { EventBus } from './events/event-bus';
import { addAppRoutes } from './api/apps';
import { addSystemRoutes } from './api/system';
import { addGroupRoutes } from './api/groups';
import type { FrameworkServiceOptions, RunningService } from '@strata/sdk';

export interface RunningMarathon extends RunningService {
  marathon: Marathon;
}

/** Composition root: state, the framework, the /v2 API. */
export async function startMarathon(opts: FrameworkServiceOptions<MarathonConfig>): Promise<RunningMarathon> {
  const store = opts.store ?? new FileStateStore(opts.stateDir);
  const repo = new Repository(store);
  const events = new EventBus();
  const marathon = new Marathon(opts.config, { repo, events, clock: systemClock, log: opts.log });

  const registry = createMetricsRegistry('marathon');
  new Gauge({ name: 'strata_marathon_apps', help: 'Apps defined', registers: [registry], collect() { this.set(marathon.apps.size); } });
  new Gauge({ name: 'strata_marathon_instances', help: 'Instances by goal', labelNames: ['goal'], registers: [registry], collect() {
    this.reset();
    for (const i of marathon.instances.values()) this.inc({ goal: i.goal });
  } });
  new Gauge({ name: 'strata_marathon_deployments', help: 'Running deployments', registers: [registry], collect() { this.set(marathon.deployments.size); } });

  const app = createHttpApp({
    metrics: registry,
    health: () => ({ healthy: marathon.loaded, loaded: marathon.loaded, subscribed: !!marathon.frameworkId }),
    before: [
      (_req, res, next) => {
        res.set('X-Marathon-Leader', `http://${opts.config.hostname}:${opts.config.httpPort}`);
        next();
      },
    ],
    loaded: () => marathon.loaded,
    unloadedBody: { message: 'Marathon is starting: its state is not loaded yet' },
    strictJson: false,
  });
  addAppRoutes(app, marathon, repo);
  addGroupRoutes(app, marathon, repo, opts.log);
  addSystemRoutes(app, marathon, events, { keepAliveMs: 15_000, maxOutstanding: 1024, maxStreams: opts.config.maxEventStreams ?? 256 });
  finishHttpApp(app, opts.log, marathonErrorShape);

  const http = await listenHttp(app, opts.config.httpPort, opts.host);
  const port = http.port;
  marathon.config.httpPort = port;
  await marathon.start();
  // Backoff delays expire on their own: look again every second (cheap: converge only walks our state).
  const tick = setInterval(() => marathon.converge(), 1_000);
  const reconcile = setInterval(() => marathon.reconcile(), opts.config.reconcileIntervalMs ?? 600_000);
  opts.log.info({ port, master: opts.config.master, frameworkId: marathon.frameworkId }, 'marathon listening');
  return {
    marathon,
    port,
    stop: async () => {
      clearInterval(tick);
      clearInterval(reconcile);
      marathon.stop();
      await http.close();
      await store.close();
    },
  };
}
