import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { StrataError, type Logger, type TlsConfig } from '@strata/lib';
import type { Directory } from '../directory/directory';
import { describeRoute, routeOf, type UpstreamRoute } from '../routes/route-table';
import type { GatewayMetrics } from '../metrics';
import { AnswerCache, cacheKeyOf, keepable, storedHeaders, type CachedAnswer } from './answer-cache';
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
 * upstream's; X-Forwarded-* say where the request came in. A plain GET goes through a second
 * instance that revalidates the upstream's last answer (see answer-cache.ts) and answers itself.
 */

/** What the revalidating proxy offered the upstream, for its answer. */
const OFFERED = Symbol('strata.offered');
type Revalidating = Forwarded & { [OFFERED]?: { key: string; kept?: CachedAnswer } };

export function forwarding(directory: Directory, metrics: GatewayMetrics, log: Logger, cache = new AnswerCache(), tls?: TlsConfig): RequestHandler {
  // With TLS every upstream is https (the kernel's and the frameworks' listeners alike), reached with the cluster CA and our certificate.
  const upstreamAgent = tls ? new https.Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key }) : new http.Agent({ keepAlive: true });
  const common = {
    router: (req: IncomingMessage) => (req as Forwarded)[FORWARD]!.base,
    pathRewrite: (_path: string, req: IncomingMessage) => (req as Forwarded)[FORWARD]!.route.path,
    changeOrigin: true,
    xfwd: true,
    // Connections to the upstreams are kept and reused: a new TCP handshake per request more
    // than doubled the time of a small GET /v2/apps (measured in `npm run bench ui`).
    agent: upstreamAgent,
  };
  const failed = (err: Error, req: IncomingMessage, res: ServerResponse | Socket) => {
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
  };
  const streaming = createProxyMiddleware<IncomingMessage, ServerResponse>({
    ...common,
    // Redirects from upstreams (a standby master's 307 to the leader, Marathon's to /ui/) keep to
    // the gateway's origin only when they point at the upstream itself; others pass as they are.
    autoRewrite: true,
    on: { error: failed },
  });
  const revalidating = createProxyMiddleware<IncomingMessage, ServerResponse>({
    ...common,
    selfHandleResponse: true,
    on: {
      error: failed,
      proxyReq: (proxyReq, req) => {
        const offered = (req as Revalidating)[OFFERED]!;
        offered.kept = cache.get(offered.key);
        if (offered.kept) proxyReq.setHeader('if-none-match', offered.kept.etag);
      },
      proxyRes: (proxyRes, req, res) => {
        const { route, base } = (req as Forwarded)[FORWARD]!;
        const { key, kept } = (req as Revalidating)[OFFERED]!;
        if (proxyRes.statusCode === 304 && kept) {
          proxyRes.resume();
          metrics.revalidations.inc({ route: route.kind, outcome: 'reused' });
          res.writeHead(200, { ...kept.headers, 'content-length': kept.body.length });
          res.end(kept.body);
          return;
        }
        const status = proxyRes.statusCode ?? 502;
        if (kept) metrics.revalidations.inc({ route: route.kind, outcome: 'carried' });
        res.writeHead(status, proxyRes.statusMessage, answerHeaders(proxyRes.headers, base, req.headers.host));
        if (!keepable(status, proxyRes.headers)) {
          cache.delete(key);
          proxyRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        let length = 0;
        proxyRes.on('data', (chunk: Buffer) => {
          length += chunk.length;
          if (length <= cache.maxEntryBytes) chunks.push(chunk);
        });
        proxyRes.on('end', () => {
          if (proxyRes.complete && length <= cache.maxEntryBytes) cache.put(key, { etag: proxyRes.headers.etag!, headers: storedHeaders(proxyRes.headers), body: Buffer.concat(chunks, length) });
          else cache.delete(key);
        });
        proxyRes.on('error', () => res.destroy());
        proxyRes.pipe(res);
      },
    },
  });
  return (req, res, next) => {
    const fwd = (req as Forwarded)[FORWARD];
    if (!fwd) return next();
    const key = cacheKeyOf(req.method, req.headers, fwd.base, fwd.route.path);
    if (key === undefined) return void streaming(req, res, next).catch(next);
    (req as Revalidating)[OFFERED] = { key };
    revalidating(req, res, next).catch(next);
  };
}

/** The upstream's headers for the client: hop-by-hop ones dropped, a Location at the upstream itself moved to the gateway (as autoRewrite). */
function answerHeaders(headers: IncomingHttpHeaders, base: string, host: string | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  if (typeof out.location === 'string' && host) {
    try {
      const loc = new URL(out.location, base);
      if (loc.host === new URL(base).host) {
        loc.host = host;
        out.location = loc.toString();
      }
    } catch {
      // not a URL: passed as it is
    }
  }
  return out;
}
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);
