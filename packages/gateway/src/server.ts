import { existsSync, readdirSync } from 'node:fs';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { OPEN_PATHS, StrataError, authenticateHttp, rateLimitWrites, isStrataError, listenHttp, routesOf, systemClock, type Clock, type ListeningServer, type Logger } from '@strata/lib';
import { LOGIN_PATH, loginHandler } from './auth/login';
import { LOGOUT_PATH, clearedCookie, cookieAuthorization } from './auth/session-cookie';
import type { GatewayConfig } from './config';
import { Directory } from './directory/directory';
import { sendError } from './http/errors';
import { forwarding, routing } from './http/proxy';
import { gatewayMetrics } from './metrics';
import { routeLabel, routeOf } from './routes/route-table';

export interface Gateway {
  port: number;
  directory: Directory;
  close(): Promise<void>;
}

/** The routes, as GET / answers them when no UI is served. */
const ROUTE_INDEX = {
  '/mesos/*': 'the leading master',
  '/marathon/*, /service/marathon/*': 'Marathon',
  '/chronos/*, /service/chronos/*': 'Chronos',
  '/service/NAME/*': 'a Marathon app labelled DCOS_SERVICE_NAME=NAME (port DCOS_SERVICE_PORT_INDEX)',
  '/agent/ID/*': "an agent's HTTP API (sandbox files, state)",
  '/health, /metrics': 'the gateway itself',
  [LOGIN_PATH]: 'log in: {uid, password} or a service login {uid, token}; answers {token}',
};

/** The UI's own files: open, so a browser can load the page that asks who you are (they hold no data). */
function uiFiles(dir: string | undefined): string[] {
  if (!dir || !existsSync(dir)) return [];
  return ['/', ...readdirSync(dir).map((f) => `/${f}`)];
}

/**
 * The gateway: one middleware chain that every request passes, in this order: metrics, then
 * authentication (every route, the gateway's own included, but /health, the login and the UI's
 * files), then `guards`, then routing to an upstream and the proxy, then the
 * gateway's own routes (/health, /metrics, the UI), then one error answer.
 */
export async function startGateway(config: GatewayConfig, deps: { log: Logger; clock?: Clock; guards?: RequestHandler[] }): Promise<Gateway> {
  const { log } = deps;
  const metrics = gatewayMetrics();
  const directory = new Directory({ master: config.master, marathon: config.marathon, chronos: config.chronos, clock: deps.clock ?? systemClock, log, authorization: config.credentialHeader, ...(config.tls ? { tls: config.tls } : {}) });
  const app = express();
  app.disable('x-powered-by');
  app.use((req: Request, res: Response, next: NextFunction) => {
    const route = routeLabel(routeOf(req.originalUrl));
    const end = metrics.duration.startTimer({ route });
    res.once('finish', () => metrics.requests.inc({ route, code: String(res.statusCode) }));
    const head = res.writeHead;
    res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
      end();
      return head.apply(this, args);
    } as Response['writeHead'];
    next();
  });
  if (config.login && config.security) app.post(LOGIN_PATH, express.json({ limit: '16kb' }), loginHandler({ authenticator: config.security.authenticator, ...config.login, clock: deps.clock ?? systemClock, secureCookie: !!config.tls }));
  if (config.security) {
    app.post(LOGOUT_PATH, (_req, res) => void res.setHeader('Set-Cookie', clearedCookie(!!config.tls)).status(204).end());
    app.use(cookieAuthorization());
    app.use(authenticateHttp({ ...config.security, open: [...OPEN_PATHS, LOGIN_PATH, LOGOUT_PATH, ...uiFiles(config.uiDir)], challenge: ['acsjwt'] }));
  }
  if (config.rateLimit) app.use(rateLimitWrites(config.rateLimit, deps.clock ?? systemClock));
  for (const g of deps.guards ?? []) app.use(g);
  app.use(routing(directory));
  app.use(forwarding(directory, metrics, log, undefined, config.tls));
  app.get('/health', (_req, res) => {
    res.json({ healthy: true, upstreams: directory.describe() });
  });
  // Mesos's /help: the gateway's own routes (read from its router) and the prefixes it proxies.
  app.get('/help', (_req, res) => {
    res.json({ routes: routesOf(app), proxied: ROUTE_INDEX });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  if (config.uiDir && existsSync(config.uiDir)) {
    app.use(express.static(config.uiDir, { index: 'index.html', fallthrough: true }));
  } else {
    app.get('/', (_req, res) => {
      res.json({ gateway: 'strata', routes: ROUTE_INDEX });
    });
  }
  app.use((req: Request, res: Response) => sendError(res, new StrataError('NOT_FOUND', `no route for ${req.method} ${req.path}`)));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return res.destroy();
    if (!isStrataError(err)) log.error({ err, path: req.path }, 'gateway request failed');
    sendError(res, err);
  });
  let server: ListeningServer;
  try {
    server = await listenHttp(app, config.port, config.host, config.tls);
  } catch (err) {
    await directory.stop();
    throw err;
  }
  log.info({ port: server.port, host: config.host, master: config.master, marathon: config.marathon, chronos: config.chronos, ui: config.uiDir ?? null, tls: !!config.tls }, 'gateway listening');
  return {
    port: server.port,
    directory,
    close: async () => {
      await server.close();
      await directory.stop();
    },
  };
}
