import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { FileStateStore, createMetricsRegistry, isStrataError, jsonBody, untilLoaded, systemClock, Gauge, type Logger, type StateStore } from '@strata/lib';
import { Marathon, AppLockedError, type MarathonConfig } from './marathon';
import { Repository } from './state/repository';
import { EventBus } from './events/event-bus';
import { addAppRoutes } from './api/apps';
import { addSystemRoutes } from './api/system';
import { addGroupRoutes } from './api/groups';

export interface RunningMarathon {
  marathon: Marathon;
  port: number;
  stop(): Promise<void>;
}

/** Composition root: state, the framework, the /v2 API. */
export async function startMarathon(opts: { config: MarathonConfig; stateDir: string; log: Logger; store?: StateStore; host?: string }): Promise<RunningMarathon> {
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

  const app = express();
  app.disable('x-powered-by');
  app.set('json spaces', 0);
  app.use((_req, res, next) => {
    res.set('X-Marathon-Leader', `http://${opts.config.hostname}:${opts.config.httpPort}`);
    next();
  });
  app.use(untilLoaded(() => marathon.loaded, { message: 'Marathon is starting: its state is not loaded yet' }));
  app.use(jsonBody({ strict: false }));
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
  app.get('/health', (_req, res) => res.status(marathon.loaded ? 200 : 503).json({ healthy: marathon.loaded, loaded: marathon.loaded, subscribed: !!marathon.frameworkId }));
  addAppRoutes(app, marathon, repo);
  addGroupRoutes(app, marathon, repo, opts.log);
  addSystemRoutes(app, marathon, events, { keepAliveMs: 15_000, maxOutstanding: 1024, maxStreams: opts.config.maxEventStreams ?? 256 });
  app.use((req: Request, res: Response) => res.status(404).json({ message: `no route for ${req.method} ${req.path}` }));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof AppLockedError) return void res.status(409).json({ message: err.message, deployments: err.deploymentIds.map((id) => ({ id })) });
    if (isStrataError(err)) return void res.status(err.status).json({ message: err.message, ...(err.details.length ? { details: err.details } : {}) });
    const e = err as { status?: number; type?: string; message?: string };
    if (e?.type === 'entity.parse.failed') return void res.status(400).json({ message: 'Invalid JSON', details: [{ path: '/', errors: [e.message ?? 'error.expected.json'] }] });
    if (e?.type === 'entity.too.large') return void res.status(413).json({ message: 'Request entity too large' });
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return void res.status(e.status).json({ message: e.message });
    opts.log.error({ err, path: req.path }, 'request failed');
    res.status(500).json({ message: 'internal error' });
  });

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.config.httpPort, opts.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
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
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await store.close();
    },
  };
}
