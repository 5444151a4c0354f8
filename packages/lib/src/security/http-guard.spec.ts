import { Router } from 'express';
import { createHttpApp, finishHttpApp, listenHttp, type ListeningServer } from '../http/app';
import { strataErrorShape } from '../http/errors';
import { routesOf } from '../http/routes';
import { silentLogger } from '../log';
import { createMetricsRegistry } from '../metrics';
import { Authenticator } from './authenticator';
import { authorizationFor } from './authorization-header';
import { parseCredentials } from './credentials';
import { principalOf } from './http-guard';

describe('an HTTP service with authentication on', () => {
  let server: ListeningServer;
  let base: string;
  const ops = authorizationFor({ kind: 'basic', principal: 'ops', secret: 's3cret' });

  beforeAll(async () => {
    const app = createHttpApp({ metrics: createMetricsRegistry('t'), security: { authenticator: new Authenticator({ credentials: parseCredentials('ops s3cret') }) }, loaded: () => false });
    const r = Router();
    r.get('/jobs/:name', (_req, res) => void res.json({ who: principalOf(res) }));
    app.use('/v1/scheduler', r);
    app.use('/scheduler', r);
    app.post('/v2/apps', (_req, res) => void res.json({ who: principalOf(res) }));
    finishHttpApp(app, silentLogger(), strataErrorShape);
    server = await listenHttp(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.close());

  it('answers 401 with the challenge before the loading gate or the body parser, /health open', async () => {
    const r = await fetch(`${base}/v2/apps`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('Basic realm="strata"');
    expect(await r.json()).toEqual({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/authentication required/) });
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/help`)).status).toBe(401);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const bad = await fetch(`${base}/metrics`, { headers: { authorization: authorizationFor({ kind: 'basic', principal: 'ops', secret: 'wrong' }) } });
    expect(bad.status).toBe(401);
  });

  it('lets a principal with its secret through (here to the loading gate) and lists every route in /help', async () => {
    expect((await fetch(`${base}/v2/apps`, { method: 'POST', headers: { authorization: ops } })).status).toBe(503);
    const help = (await (await fetch(`${base}/help`, { headers: { authorization: ops } })).json()) as { routes: unknown[]; open: string[] };
    expect(help.open).toEqual(['/health']);
    expect(help.routes).toEqual(expect.arrayContaining([
      { method: 'GET', path: '/metrics' },
      { method: 'GET', path: '/health' },
      { method: 'GET', path: '/v1/scheduler/jobs/:name' },
      { method: 'GET', path: '/scheduler/jobs/:name' },
      { method: 'POST', path: '/v2/apps' },
    ]));
  });
});

describe('routesOf', () => {
  it('reads every route with its methods, mounted routers under each mount path', () => {
    const app = createHttpApp({ metrics: createMetricsRegistry('t') });
    app.route('/v2/apps/*rest').get(() => undefined).put(() => undefined);
    app.all('/x', () => undefined);
    expect(routesOf(app)).toEqual(expect.arrayContaining([
      { method: 'GET', path: '/v2/apps/*rest' },
      { method: 'PUT', path: '/v2/apps/*rest' },
      { method: 'ALL', path: '/x' },
    ]));
  });
});
