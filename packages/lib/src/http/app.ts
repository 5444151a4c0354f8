import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { isStrataError } from '../errors/strata-error';
import { jsonBody } from './json-body';

/**
 * An express app with what every Strata service serves: JSON bodies, GET /metrics (Prometheus
 * text) and GET /health. Routes are added by the caller; call `finishHttpApp` last to install
 * the 404 and error handlers.
 */
export function createHttpApp(opts: { metrics: Registry; health?: () => { healthy: boolean; [k: string]: unknown } }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('json spaces', 0);
  app.use(jsonBody());
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', opts.metrics.contentType);
    res.send(await opts.metrics.metrics());
  });
  app.get('/health', (_req, res) => {
    const h = opts.health ? opts.health() : { healthy: true };
    res.status(h.healthy ? 200 : 503).json(h);
  });
  return app;
}

/** 404 for unknown routes and one error handler: StrataErrors keep their status, anything else is a logged 500. */
export function finishHttpApp(app: Express, log: Logger): void {
  app.use((req: Request, res: Response) => {
    res.status(404).json({ message: `no route for ${req.method} ${req.path}` });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (isStrataError(err)) {
      res.status(err.status).json({ message: err.message, code: err.code, details: err.details.length ? err.details : undefined });
      return;
    }
    const e = err as { status?: number; type?: string; message?: string };
    if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      // body-parser's errors (invalid JSON, too large) carry their own 4xx status.
      res.status(e.status).json({ message: e.message ?? 'bad request' });
      return;
    }
    log.error({ err, path: req.path }, 'request failed');
    res.status(500).json({ message: 'internal error' });
  });
}

/**
 * Until `loaded()`, every request but /health and /metrics is answered 503 with `body`: a
 * service that listens before its state is in memory must not answer from an empty one (`[]`
 * apps or jobs, which a client or a health check would take for the truth).
 */
export function untilLoaded(loaded: () => boolean, body: Record<string, unknown>): RequestHandler {
  return (req, res, next) => {
    if (loaded() || req.path === '/health' || req.path === '/metrics') return next();
    res.status(503).json(body);
  };
}
