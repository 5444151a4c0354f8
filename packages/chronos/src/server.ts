import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { FileStateStore, createMetricsRegistry, jsonBody, untilLoaded, systemClock, Gauge, type Logger, type StateStore } from '@strata/lib';
import { Chronos, type ChronosConfig } from './chronos';
import { schedulerRoutes, BadRequest } from './api/routes';

export interface RunningChronos {
  chronos: Chronos;
  port: number;
  stop(): Promise<void>;
}

/** Composition root: state store, the framework, Chronos's REST API under /v1/scheduler and /scheduler. */
export async function startChronos(opts: { config: ChronosConfig; stateDir: string; log: Logger; store?: StateStore; host?: string }): Promise<RunningChronos> {
  const store = opts.store ?? new FileStateStore(opts.stateDir);
  const chronos = new Chronos(opts.config, { store, clock: systemClock, log: opts.log });
  const registry = createMetricsRegistry('chronos');
  new Gauge({ name: 'strata_chronos_jobs', help: 'Jobs defined', registers: [registry], collect() { this.set(chronos.jobs.size); } });
  new Gauge({ name: 'strata_chronos_runs', help: 'Runs by state', labelNames: ['state'], registers: [registry], collect() {
    this.reset();
    for (const r of chronos.runs.values()) this.inc({ state: r.state });
  } });

  const app = express();
  app.disable('x-powered-by');
  // No CORS unless an operator names the origins: with `*`, any web page a user opened could read and change jobs.
  const origins = opts.config.corsOrigins ?? [];
  if (origins.length) {
    app.use((req, res, next) => {
      const origin = req.get('origin');
      if (origin && (origins.includes('*') || origins.includes(origin))) res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
      next();
    });
  }
  app.use(untilLoaded(() => chronos.loaded, { message: 'Chronos is starting: its state is not loaded yet', status: 'Service Unavailable' }));
  app.use(jsonBody());
  const routes = schedulerRoutes(chronos);
  app.use('/v1/scheduler', routes);
  app.use('/scheduler', routes);
  app.get('/ping', (_req, res) => res.type('text/plain').send('pong'));
  app.get('/metrics', async (_req, res) => res.set('Content-Type', registry.contentType).send(await registry.metrics()));
  app.get('/health', (_req, res) => res.status(chronos.loaded ? 200 : 503).json({ healthy: chronos.loaded, loaded: chronos.loaded, subscribed: !!chronos.frameworkId }));
  app.use((req: Request, res: Response) => res.status(404).json({ message: `no route for ${req.method} ${req.path}`, status: 'Not Found' }));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (err instanceof BadRequest) return void res.status(400).json({ message: err.message, status: 'Bad Request' });
    if (e?.type === 'entity.parse.failed') return void res.status(400).json({ message: `The body is not valid JSON: ${e.message}`, status: 'Bad Request' });
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return void res.status(e.status).json({ message: e.message, status: 'Bad Request' });
    opts.log.error({ err, path: req.path }, 'request failed');
    res.status(500).json({ message: 'internal error', status: 'Internal Server Error' });
  });

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.config.httpPort, opts.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  chronos.config.httpPort = port;
  await chronos.start();
  opts.log.info({ port, master: opts.config.master, frameworkId: chronos.frameworkId }, 'chronos listening');
  return {
    chronos,
    port,
    stop: async () => {
      chronos.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await store.close();
    },
  };
}
