import type { RequestHandler } from 'express';
import { FileStateStore, createHttpApp, createMetricsRegistry, finishHttpApp, listenHttp, systemClock, Gauge, type Logger, type StateStore } from '@strata/lib';
import { Chronos, type ChronosConfig } from './chronos';
import { chronosErrorShape } from './api/errors';
import { schedulerRoutes } from './api/routes';
import type { FrameworkServiceOptions, RunningService } from '@strata/sdk';

export interface RunningChronos extends RunningService {
  chronos: Chronos;
}

/** Composition root: state store, the framework, Chronos's REST API under /v1/scheduler and /scheduler. */
export async function startChronos(opts: FrameworkServiceOptions<ChronosConfig>): Promise<RunningChronos> {
  const store = opts.store ?? new FileStateStore(opts.stateDir);
  const chronos = new Chronos(opts.config, { store, clock: systemClock, log: opts.log });
  const registry = createMetricsRegistry('chronos');
  new Gauge({ name: 'strata_chronos_jobs', help: 'Jobs defined', registers: [registry], collect() { this.set(chronos.jobs.size); } });
  new Gauge({ name: 'strata_chronos_runs', help: 'Runs by state', labelNames: ['state'], registers: [registry], collect() {
    this.reset();
    for (const r of chronos.runs.values()) this.inc({ state: r.state });
  } });

  // No CORS unless an operator names the origins: with `*`, any web page a user opened could read and change jobs.
  const origins = opts.config.corsOrigins ?? [];
  const cors: RequestHandler = (req, res, next) => {
    const origin = req.get('origin');
    if (origin && (origins.includes('*') || origins.includes(origin))) res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
    next();
  };
  const app = createHttpApp({
    metrics: registry,
    health: () => ({ healthy: chronos.loaded, loaded: chronos.loaded, subscribed: !!chronos.frameworkId }),
    before: origins.length ? [cors] : [],
    loaded: () => chronos.loaded,
    unloadedBody: { message: 'Chronos is starting: its state is not loaded yet', status: 'Service Unavailable' },
  });
  const routes = schedulerRoutes(chronos);
  app.use('/v1/scheduler', routes);
  app.use('/scheduler', routes);
  app.get('/ping', (_req, res) => res.type('text/plain').send('pong'));
  finishHttpApp(app, opts.log, chronosErrorShape);

  const http = await listenHttp(app, opts.config.httpPort, opts.host);
  const port = http.port;
  chronos.config.httpPort = port;
  await chronos.start();
  opts.log.info({ port, master: opts.config.master, frameworkId: chronos.frameworkId }, 'chronos listening');
  return {
    chronos,
    port,
    stop: async () => {
      chronos.stop();
      await http.close();
      await store.close();
    },
  };
}
