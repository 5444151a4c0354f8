import type { RequestHandler } from 'express';
import { FileStateStore, ResourceAuthz, chronosResource, createHttpApp, createMetricsRegistry, finishHttpApp, systemClock, Gauge } from '@strata/lib';
import { electedServiceBase, serveElected, type FrameworkServiceOptions, type RunningService } from '@strata/sdk';
import { Chronos, type ChronosConfig } from './chronos';
import { chronosErrorShape } from './api/errors';
import { schedulerRoutes } from './api/routes';

export interface RunningChronos extends RunningService {
  /** The Chronos of the current term; undefined on a standby. */
  readonly chronos: Chronos | undefined;
  leading(): boolean;
}

const LEADER_PATHS = new Set(['/v1/scheduler/leader', '/scheduler/leader']);

/**
 * Composition root: the framework and Chronos's REST API under /v1/scheduler and /scheduler,
 * made once per term of leadership (once, alone; with --etcd, on each election). Standbys
 * proxy the API to the leader and answer GET /v1/scheduler/leader themselves.
 */
export async function startChronos(opts: FrameworkServiceOptions<ChronosConfig>): Promise<RunningChronos> {
  let current: Chronos | undefined;
  const registry = createMetricsRegistry('chronos');
  new Gauge({ name: 'strata_chronos_jobs', help: 'Jobs defined', registers: [registry], collect() { this.set(current?.jobs.size ?? 0); } });
  new Gauge({ name: 'strata_chronos_runs', help: 'Runs by state', labelNames: ['state'], registers: [registry], collect() {
    this.reset();
    for (const r of current?.runs.values() ?? []) this.inc({ state: r.state });
  } });
  const elected = new Gauge({ name: 'strata_chronos_elected', help: '1 while this instance leads, else 0', registers: [registry] });

  // No CORS unless an operator names the origins: with `*`, any web page a user opened could read and change jobs.
  const origins = opts.config.corsOrigins ?? [];
  const cors: RequestHandler = (req, res, next) => {
    const origin = req.get('origin');
    if (origin && (origins.includes('*') || origins.includes(origin))) res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
    next();
  };
  let leaderOf = () => '';
  const service = await serveElected({
    ...electedServiceBase('chronos', opts, registry, (dir) => new FileStateStore(dir)),
    viaHeader: 'X-Chronos-Via',
    noLeaderBody: (message) => ({ message, status: 'Service Unavailable' }),
    unauthenticatedBody: (message) => ({ message, status: 'Unauthorized' }),
    standby: (req, leader) => {
      if ((req.url ?? '').split('?')[0] === '/ping') return { status: 200, body: 'pong' };
      if (req.method !== 'GET' || !LEADER_PATHS.has((req.url ?? '').split('?')[0]!)) return undefined;
      return leader ? { status: 200, body: { leader: leader.address } } : { status: 503, body: { message: 'There is no leader', status: 'Service Unavailable' } };
    },
    startTerm: async ({ store, acting, port }) => {
      const chronos = new Chronos({ ...opts.config, httpPort: port }, { store, clock: systemClock, log: opts.log, acting });
      const app = createHttpApp({
        metrics: registry,
        health: () => ({ healthy: chronos.loaded, loaded: chronos.loaded, subscribed: !!chronos.frameworkId, leading: true }),
        before: origins.length ? [cors] : [],
        loaded: () => chronos.loaded,
        unloadedBody: { message: 'Chronos is starting: its state is not loaded yet', status: 'Service Unavailable' },
        security: opts.security,
        ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
      });
      const routes = schedulerRoutes(chronos, () => leaderOf(), new ResourceAuthz(chronosResource, opts.permissions));
      app.use('/v1/scheduler', routes);
      app.use('/scheduler', routes);
      app.get('/ping', (_req, res) => res.type('text/plain').send('pong'));
      finishHttpApp(app, opts.log, chronosErrorShape);
      current = chronos;
      elected.set(1);
      return {
        handler: app,
        ready: chronos.start(),
        stop: async () => {
          if (current === chronos) {
            current = undefined;
            elected.set(0);
          }
          chronos.stop();
          await store.close();
        },
      };
    },
  });
  leaderOf = () => service.leader()?.address ?? '';
  return {
    get chronos() {
      return current;
    },
    port: service.port,
    leading: () => service.leading(),
    stop: () => service.stop(),
  };
}
