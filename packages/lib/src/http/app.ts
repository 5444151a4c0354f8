import * as http from 'node:http';
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { httpErrorOf, internalError, noRoute, strataErrorShape, type ErrorShape } from './errors';
import { jsonBody } from './json-body';
import { rateLimitWrites, type RateLimit } from './rate-limit';
import { routesOf } from './routes';
import { OPEN_PATHS, authenticateHttp, type HttpSecurity } from '../security/http-guard';
import { peerRefused, serverTlsOptions, type TlsConfig } from '../tls/tls-config';

export interface HttpAppOptions {
  metrics: Registry;
  health?: () => { healthy: boolean; [k: string]: unknown };
  /** Until this is true every route but /health, /metrics and /help answers 503 with `unloadedBody`. */
  loaded?: () => boolean;
  unloadedBody?: Record<string, unknown>;
  /** Run before everything else (headers every answer carries, CORS). */
  before?: RequestHandler[];
  /** Marathon accepts any JSON value as a body (`strict: false`); the default is objects and arrays. */
  strictJson?: boolean;
  /** Authentication (`--authenticate`): every route but the open ones (/health) asks for credentials. */
  security?: HttpSecurity;
  /** Writes per principal (`--rate-limit`); none when absent. */
  rateLimit?: RateLimit;
}

/**
 * The express app every Strata service starts from: its own headers first, the 503 gate while
 * state loads, bounded JSON bodies, GET /metrics (Prometheus text) and GET /health. Routes are
 * added by the caller (GET /help lists them all); `finishHttpApp` installs the 404 and the one error handler last.
 */
export function createHttpApp(opts: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('json spaces', 0);
  for (const h of opts.before ?? []) app.use(h);
  if (opts.security) app.use(authenticateHttp(opts.security));
  if (opts.rateLimit) app.use(rateLimitWrites(opts.rateLimit));
  if (opts.loaded) app.use(untilLoaded(opts.loaded, opts.unloadedBody ?? { message: 'starting: state not loaded yet' }));
  app.use(jsonBody({ strict: opts.strictJson ?? true }));
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', opts.metrics.contentType);
    res.send(await opts.metrics.metrics());
  });
  app.get('/health', (_req, res) => {
    const h = opts.health ? opts.health() : { healthy: true };
    res.status(h.healthy ? 200 : 503).json(h);
  });
  // Mesos's /help: every endpoint, read from the routers when asked (so routes added after this are in it).
  app.get('/help', (_req, res) => {
    res.json({ routes: routesOf(app), open: opts.security ? [...(opts.security.open ?? OPEN_PATHS)] : null });
  });
  return app;
}

/** 404 for unknown routes and one error handler, answering in `shape` (the API's upstream error body). */
export function finishHttpApp(app: Express, log: Logger, shape: ErrorShape = strataErrorShape): void {
  app.use((req: Request, res: Response) => {
    const e = noRoute(req.method, req.path);
    res.status(e.status).json(shape(e));
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = httpErrorOf(err);
    if (!e) log.error({ err, path: req.path }, 'request failed');
    const answer = e ?? internalError();
    res.status(answer.status).json(shape(answer));
  });
}

/**
 * Until `loaded()`, every request but /health, /metrics and /help is answered 503 with `body`: a
 * service that listens before its state is in memory must not answer from an empty one (`[]`
 * apps or jobs, which a client or a health check would take for the truth).
 */
export function untilLoaded(loaded: () => boolean, body: Record<string, unknown>): RequestHandler {
  return (req, res, next) => {
    if (loaded() || req.path === '/health' || req.path === '/metrics' || req.path === '/help') return next();
    res.status(503).json(body);
  };
}

/**
 * How long an idle keep-alive connection is kept open. Clients reuse idle connections (undici
 * for 4 s without a hint, the gateway's agent until the server closes them): when the server
 * closes first, at Node's default 5 s, a request sent on the closing socket fails with
 * ECONNRESET — seen when 1,000 apps were POSTed to a busy Marathon. Longer than any
 * load balancer's idle timeout (60 s), as is the custom behind one.
 */
export const KEEP_ALIVE_MS = 65_000;

/** Applies KEEP_ALIVE_MS (the header timeout must be longer than the keep-alive, or Node cuts reused connections). */
export function keepConnections(server: http.Server): http.Server {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  return server;
}

export interface ListeningServer {
  server: http.Server;
  port: number;
  /** Closes every connection (event streams too) and waits for the server to stop. */
  close(): Promise<void>;
}

/** Serves `app` on `port` (0 picks a free one) at `host`; the port it got. */
export async function listenHttp(app: Express, port: number, host = '0.0.0.0', tlsConfig?: TlsConfig): Promise<ListeningServer> {
  const server = keepConnections(tlsConfig ? https.createServer(serverTlsOptions(tlsConfig), app) : http.createServer(app));
  // A client certificate from another CA is refused outright (none at all is fine: browsers, the CLI).
  if (tlsConfig) server.on('secureConnection', (s: TLSSocket) => peerRefused(s) && s.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
