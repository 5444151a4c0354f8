import { MarathonAuthz, appsOfEvent } from './authz';
import type { Express, Request, Response } from 'express';
import { StrataError, principalOf } from '@strata/lib';
import type { Marathon } from '../marathon';
import { servicePortsOf } from '../model/networking';
import type { AppDefinition } from '../model/app-definition';
import { safePathId } from '../model/path-id';
import type { EventBus, MarathonEvent } from '../events/event-bus';
import { appInfo, taskJson } from './apps';
import { deploymentResult, queryFlag } from './responses';
import { isDelayed } from '../launch-queue/backoff';
import { NO_OFFER_MATCH_REASONS } from '../launch-queue/offer-matcher';
import { needsLaunch } from '../instances/instance';

/** /v2/tasks, /v2/deployments, /v2/queue, /v2/events, /v2/info, /v2/leader, /ping. */
/** Who leads, and how to step down: the election's view (one instance alone always leads and cannot abdicate). */
export interface LeaderControl {
  leader(): string;
  abdicate(): Promise<boolean>;
}

export function addSystemRoutes(app: Express, m: Marathon, events: EventBus, opts: { keepAliveMs: number; maxOutstanding: number; maxStreams: number; maxStreamsPerPrincipal?: number; leadership: LeaderControl; authz?: MarathonAuthz }): void {
  const authz = opts.authz ?? new MarathonAuthz();
  let streams = 0;
  const streamsOf = new Map<string, number>();
  app.get('/v2/tasks', (req, res) => {
    const raw = req.query.status ?? req.query['status[]'];
    const wanted = new Set((Array.isArray(raw) ? raw : raw ? [raw] : []).map((s) => `TASK_${String(s).toUpperCase()}`));
    const canRead = authz.canEach(res, 'read');
    const tasks = [...m.instances.values()].filter((i) => i.taskId && i.state && (wanted.size === 0 || wanted.has(i.state)) && canRead(i.appId)).map((i) => taskJson(m, i));
    if (req.accepts(['application/json', 'text/plain']) === 'text/plain' && !req.accepts('application/json')) {
      return void res.type('text/plain').send(endpointsText([...m.apps.values()], tasks));
    }
    res.json({ tasks });
  });

  app.post('/v2/tasks/delete', async (req, res) => {
    const ids = (req.body as { ids?: unknown })?.ids;
    if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) throw new StrataError('INVALID', "Expecting a body {\"ids\": [\"task id\", ...]}", { status: 400 });
    if (queryFlag(req, 'scale', false) && queryFlag(req, 'wipe', false)) throw new StrataError('INVALID', 'You cannot use scale and wipe at the same time.', { status: 400 });
    for (const id of ids) if (!m.instanceByTask(id)) throw new StrataError('INVALID', `Invalid task id '${id}'`, { status: 400 });
    for (const id of ids) authz.require(res, 'update', m.instanceByTask(id)!.appId);
    const { killed, deployment } = await m.killTasks(ids, queryFlag(req, 'scale', false), queryFlag(req, 'force', false));
    if (deployment) return deploymentResult(res, deployment, 200);
    res.json({ tasks: killed.map((i) => taskJson(m, i)) });
  });

  app.get('/v2/deployments', (_req, res) => {
    res.json([...m.deployments.values()].filter((d) => authz.readsAll(res, d.affectedApps)).map((d) => ({
      id: d.id,
      version: d.version,
      affectedApps: d.affectedApps,
      affectedPods: [],
      steps: d.steps,
      currentActions: d.steps[d.currentStep - 1]?.actions.map((a) => ({
        ...a,
        readinessCheckResults: m.instances.ofApp(a.app).filter((i) => i.readiness).map((i) => ({ taskId: i.taskId, ...i.readiness })),
      })) ?? [],
      currentStep: d.currentStep,
      totalSteps: d.totalSteps,
    })));
  });

  app.delete('/v2/deployments/:id', async (req, res) => {
    const force = queryFlag(req, 'force', false);
    for (const a of m.deployments.get(req.params.id!)?.affectedApps ?? []) authz.require(res, 'update', a);
    const d = await m.rollback(req.params.id!, force);
    if (!d) return void res.status(202).end();
    deploymentResult(res, d, 200);
  });

  app.get('/v2/queue', (_req, res) => {
    const now = Date.now();
    const canRead = authz.canEach(res, 'read');
    const queue = [...m.apps.values()]
      .filter((a) => canRead(a.id))
      .map((a) => ({ a, count: m.instances.ofApp(a.id).filter((i) => needsLaunch(i)).length }))
      .filter(({ count }) => count > 0)
      .map(({ a, count }) => {
        const delay = m.delays.get(a.id);
        const stats = m.queueStats.get(a.id);
        return {
          app: appInfo(m, a, new Set()),
          count,
          role: a.role,
          delay: { timeLeftSeconds: delay && isDelayed(delay, now) ? Math.ceil((delay.until - now) / 1000) : 0, overdue: !delay || !isDelayed(delay, now) },
          since: stats?.since ?? new Date(now).toISOString(),
          processedOffersSummary: {
            processedOffersCount: stats?.processedOffersCount ?? 0,
            unusedOffersCount: stats?.unusedOffersCount ?? 0,
            ...(stats?.lastUnusedOfferAt ? { lastUnusedOfferAt: stats.lastUnusedOfferAt } : {}),
            ...(stats?.lastUsedOfferAt ? { lastUsedOfferAt: stats.lastUsedOfferAt } : {}),
            // Every reason, in Marathon's order, as 1.10 lists them (declined 0 included).
            rejectSummaryLastOffers: NO_OFFER_MATCH_REASONS.map((reason) => ({ reason, declined: stats?.rejectSummaryLastOffers[reason] ?? 0, processed: stats?.processedOffersCount ?? 0 })),
          },
        };
      });
    res.json({ queue });
  });

  app.delete('/v2/queue/*path/delay', (req, res) => {
    const id = '/' + ([] as string[]).concat((req.params as { path: string | string[] }).path).join('/').replace(/^\/+/, '');
    authz.require(res, 'update', id);
    if (!m.resetDelay(id)) return void res.status(404).json({ message: `Application ${id} not found in tasks queue.` });
    res.status(204).end();
  });

  app.get('/v2/events', (req: Request, res: Response) => {
    // Each stream costs a socket and a copy of every event: beyond the cap, refuse rather than degrade everyone.
    if (streams >= opts.maxStreams) return void res.status(503).json({ message: `Too many event streams: at most ${opts.maxStreams} may be open at once (--max-event-streams)` });
    // One principal may not take every stream from the others (only an authenticated one is known).
    const principal = principalOf(res);
    const mine = principal === undefined ? 0 : streamsOf.get(principal) ?? 0;
    if (principal !== undefined && opts.maxStreamsPerPrincipal !== undefined && mine >= opts.maxStreamsPerPrincipal) {
      return void res.status(429).json({ message: `Too many event streams for '${principal}': at most ${opts.maxStreamsPerPrincipal} at once (--max-event-streams-per-principal)` });
    }
    const raw = req.query.event_type;
    const types = new Set((Array.isArray(raw) ? raw : raw ? [raw] : []).map(String));
    streams++;
    if (principal !== undefined) streamsOf.set(principal, mine + 1);
    res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.flushHeaders();
    let outstanding = 0;
    const send = (e: MarathonEvent) => {
      if (types.size && !types.has(e.eventType)) return;
      if (!authz.readsAll(res, appsOfEvent(e))) return;
      // A consumer that cannot keep up is cut off rather than fed silently lossy data (Marathon PR #6657).
      if (outstanding > opts.maxOutstanding) return void res.destroy();
      outstanding++;
      res.write(`event: ${e.eventType}\ndata: ${JSON.stringify(e)}\n\n`, () => outstanding--);
    };
    const remoteAddress = req.socket.remoteAddress ?? '';
    // A stream's attach and detach concern that stream: it gets its own attach event, and the
    // others are not told (500 streams once made 125,250 such events).
    send({ eventType: 'event_stream_attached', timestamp: new Date().toISOString(), remoteAddress });
    const unsubscribe = events.subscribe(send);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), opts.keepAliveMs);
    req.on('close', () => {
      streams--;
      if (principal !== undefined) {
        const left = (streamsOf.get(principal) ?? 1) - 1;
        if (left > 0) streamsOf.set(principal, left);
        else streamsOf.delete(principal);
      }
      clearInterval(keepAlive);
      unsubscribe();
    });
  });

  app.get('/v2/info', (_req, res) => {
    res.json({
      name: 'marathon',
      version: '1.10.0-strata',
      buildref: 'strata',
      elected: true,
      leader: opts.leadership.leader(),
      frameworkId: m.frameworkId ?? null,
      marathon_config: { master: m.config.master, failover_timeout: m.config.failoverTimeoutSeconds, local_port_min: m.config.localPortMin, local_port_max: m.config.localPortMax, decline_offer_duration: m.config.declineOfferSeconds * 1000, hostname: m.config.hostname, http_port: m.config.httpPort },
      http_config: { http_port: m.config.httpPort },
    });
  });

  app.get('/v2/leader', (_req, res) => res.json({ leader: opts.leadership.leader() }));
  // Abdicating hands leadership to a standby (this instance stays, as a standby). Without high
  // availability there is nobody to hand it to, and stepping down would leave no leader: refuse.
  app.delete('/v2/leader', async (_req, res) => {
    authz.requireSuperuser(res);
    if (await opts.leadership.abdicate()) return void res.json({ message: 'Leadership abdicated' });
    res.status(503).json({ message: 'Leadership cannot be abdicated: no standby Marathon instance can take over (this instance runs without high availability)' });
  });

  app.get('/ping', (req, res) => {
    const type = req.accepts(['text/plain', 'application/json']);
    if (type === 'application/json') return void res.json('pong');
    if (type === 'text/plain') return void res.type('text/plain').send('pong');
    res.status(204).end();
  });
}

/**
 * Marathon's text/plain task list (EndpointsHelper, what haproxy-marathon-bridge reads): per app
 * and service port, `<app id with / as _>\t<service port>\t<host:port>\t...`; an app without
 * service ports gives one line with a blank port and bare hosts. Running tasks only.
 */
export function endpointsText(apps: AppDefinition[], tasks: { appId: string; host?: string; ports: number[]; state?: string }[]): string {
  let out = '';
  for (const a of [...apps].sort((x, y) => (x.id < y.id ? -1 : 1))) {
    const clean = safePathId(a.id);
    const running = tasks.filter((t) => t.appId === a.id && t.state === 'TASK_RUNNING');
    const servicePorts = servicePortsOf(a);
    if (servicePorts.length === 0) {
      out += `${clean}\t \t${running.map((t) => `${t.host}\t`).join('')}\n`;
      continue;
    }
    servicePorts.forEach((sp, i) => {
      out += `${clean}\t${sp}\t${running.map((t) => `${t.host}:${t.ports[i] ?? ''}\t`).join('')}\n`;
    });
  }
  return out;
}
