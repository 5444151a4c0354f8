import { FileStateStore, createHttpApp, createMetricsRegistry, finishHttpApp, systemClock, Gauge } from '@strata/lib';
import { electedServiceBase, serveElected, type FrameworkServiceOptions, type RunningService } from '@strata/sdk';
import { Marathon, type MarathonConfig } from './marathon';
import { MARATHON_UNAUTHENTICATED, marathonErrorShape } from './api/errors';
import { Repository } from './state/repository';
import { EventBus } from './events/event-bus';
import { addAppRoutes } from './api/apps';
import { addSystemRoutes, type LeaderControl } from './api/system';
import { addGroupRoutes } from './api/groups';
import { MarathonAuthz } from './api/authz';

export interface RunningMarathon extends RunningService {
  /** The Marathon of the current term; undefined on a standby. */
  readonly marathon: Marathon | undefined;
  leading(): boolean;
}

/**
 * Composition root: the framework and its /v2 API, made once per term of leadership (once,
 * alone; with --etcd, on each election, from the state in etcd). Standbys proxy the API to the
 * leader and answer GET /v2/leader themselves.
 */
export async function startMarathon(opts: FrameworkServiceOptions<MarathonConfig>): Promise<RunningMarathon> {
  let current: Marathon | undefined;
  const registry = createMetricsRegistry('marathon');
  new Gauge({ name: 'strata_marathon_apps', help: 'Apps defined', registers: [registry], collect() { this.set(current?.apps.size ?? 0); } });
  new Gauge({ name: 'strata_marathon_instances', help: 'Instances by goal', labelNames: ['goal'], registers: [registry], collect() {
    this.reset();
    for (const i of current?.instances.values() ?? []) this.inc({ goal: i.goal });
  } });
  new Gauge({ name: 'strata_marathon_deployments', help: 'Running deployments', registers: [registry], collect() { this.set(current?.deployments.size ?? 0); } });
  const elected = new Gauge({ name: 'strata_marathon_elected', help: '1 while this instance leads, else 0', registers: [registry] });

  let leadership: LeaderControl = { leader: () => '', abdicate: async () => false };
  const service = await serveElected({
    ...electedServiceBase('marathon', opts, registry, (dir) => new FileStateStore(dir)),
    viaHeader: 'X-Marathon-Via',
    leaderHeader: 'X-Marathon-Leader',
    noLeaderBody: (message) => ({ message }),
    unauthenticatedBody: () => ({ message: MARATHON_UNAUTHENTICATED }),
    standby: (req, leader) => {
      if ((req.url ?? '').split('?')[0] === '/ping') return { status: 200, body: 'pong' };
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/v2/leader') return undefined;
      return leader ? { status: 200, body: { leader: leader.address } } : { status: 404, body: { message: 'There is no leader' } };
    },
    startTerm: async ({ store, acting, port }) => {
      const repo = new Repository(store);
      const events = new EventBus();
      const marathon = new Marathon({ ...opts.config, httpPort: port }, { repo, events, clock: systemClock, log: opts.log, acting });
      const app = createHttpApp({
        metrics: registry,
        health: () => ({ healthy: marathon.loaded, loaded: marathon.loaded, subscribed: !!marathon.frameworkId, leading: true }),
        loaded: () => marathon.loaded,
        unloadedBody: { message: 'Marathon is starting: its state is not loaded yet' },
        strictJson: false,
        security: opts.security,
        ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
      });
      const authz = new MarathonAuthz(opts.permissions);
      addAppRoutes(app, marathon, repo, authz);
      addGroupRoutes(app, marathon, repo, opts.log, authz);
      addSystemRoutes(app, marathon, events, { keepAliveMs: 15_000, maxOutstanding: 1024, maxStreams: opts.config.maxEventStreams ?? 256, maxStreamsPerPrincipal: opts.config.maxEventStreamsPerPrincipal ?? 32, leadership, authz });
      finishHttpApp(app, opts.log, marathonErrorShape);
      current = marathon;
      elected.set(1);
      const timers: NodeJS.Timeout[] = [];
      const ready = marathon.start().then(() => {
        // Backoff delays expire on their own: look again every second (cheap: converge only walks our state).
        timers.push(setInterval(() => marathon.converge(), 1_000));
        timers.push(setInterval(() => marathon.reconcile(), opts.config.reconcileIntervalMs ?? 600_000));
      });
      return {
        handler: app,
        ready,
        stop: async () => {
          for (const t of timers) clearInterval(t);
          if (current === marathon) {
            current = undefined;
            elected.set(0);
          }
          marathon.stop();
          await store.close();
        },
      };
    },
  });
  leadership = { leader: () => service.leader()?.address ?? '', abdicate: () => service.abdicate() };
  return {
    get marathon() {
      return current;
    },
    port: service.port,
    leading: () => service.leading(),
    stop: () => service.stop(),
  };
}
