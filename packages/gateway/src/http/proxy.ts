import * as http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { StrataError, type Logger } from '@strata/lib';
import type { Directory } from '../directory/directory';
import { describeRoute, routeOf, type UpstreamRoute } from '../routes/route-table';
import type { GatewayMetrics } from '../metrics';
import { sendError } from './errors';

/** What the routing step decided, for the proxy that follows it. */
interface Forward {
  route: UpstreamRoute;
  base: string;
}
const FORWARD = Symbol('strata.forward');
type Forwarded = IncomingMessage & { [FORWARD]?: Forward };

/** Finds the upstream of a request; requests for the gateway itself go on to its own routes. */
export function routing(directory: Directory): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const route = routeOf(req.originalUrl);
    if (route.kind === 'gateway') return next();
    directory.upstream(route).then(
      (base) => {
        (req as Forwarded)[FORWARD] = { route, base };
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

/**
 * The proxy (http-proxy-middleware): bodies and answers are piped, never buffered, so event
 * streams (Marathon's /v2/events, a task's log that follows) pass as they come. Host is the
 * upstream's; X-Forwarded-* say where the request came in.
 */
const upstreamAgent = new http.Agent({ keepAlive: true });

export function forwarding(directory: Directory, metrics: GatewayMetrics, log: Logger): RequestHandler {
  const proxy = createProxyMiddleware<IncomingMessage, ServerResponse>({
    router: (req) => (req as Forwarded)[FORWARD]!.base,
    pathRewrite: (_path, req) => (req as Forwarded)[FORWARD]!.route.path,
    changeOrigin: true,
    xfwd: true,
    // Connections to the upstreams are kept and reused: a new TCP handshake per request more
    // than doubled the time of a small GET /v2/apps (measured in `npm run bench ui`).
    agent: upstreamAgent,
    // Redirects from upstreams (a standby master's 307 to the leader, Marathon's to /ui/) keep to
    // the gateway's origin only when they point at the upstream itself; others pass as they are.
    autoRewrite: true,
    on: {
      error: (err: Error, req: IncomingMessage, res: ServerResponse | Socket) => {
        const fwd = (req as Forwarded)[FORWARD];
        if (!fwd) return;
        metrics.upstreamErrors.inc({ route: fwd.route.kind });
        directory.failed(fwd.route, fwd.base);
        log.warn({ route: fwd.route.kind, upstream: fwd.base, path: fwd.route.path, err: err.message }, 'upstream failed');
        if (!('setHeader' in res)) return;
        if (res.headersSent) {
          res.destroy(); // broke off mid-answer: the client must see it cut, not a short success
          return;
        }
        sendError(res, new StrataError('UPSTREAM_FAILED', `cannot reach ${describeRoute(fwd.route)} at ${fwd.base}: ${err.message}`, { context: { upstream: fwd.base } }));
      },
    },
  });
  return (req, res, next) => {
    if (!(req as Forwarded)[FORWARD]) return next();
    proxy(req, res, next).catch(next);
  };
}
