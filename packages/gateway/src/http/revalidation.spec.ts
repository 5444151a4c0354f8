import express from 'express';
import { listenHttp, silentLogger, type ListeningServer } from '@strata/lib';
import { startGateway, type Gateway } from '../server';

/** A real HTTP upstream standing in for Marathon: express's own ETags and 304s, and a log of what it was asked. */
function upstream() {
  const seen: { path: string; ifNoneMatch?: string; status?: number }[] = [];
  let apps = [{ id: '/a', instances: 1 }];
  const app = express();
  app.use((req, res, next) => {
    const entry: (typeof seen)[number] = { path: req.originalUrl, ifNoneMatch: req.headers['if-none-match'] };
    seen.push(entry);
    res.once('finish', () => (entry.status = res.statusCode));
    next();
  });
  app.get('/v2/apps', (_req, res) => void res.json({ apps }));
  app.get('/v2/private', (_req, res) => void res.set('Cache-Control', 'private').json({ secret: 1 }));
  app.get('/v2/events', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: hello\ndata: {}\n\n'); // and never ends, as Marathon's stream
  });
  return { app, seen, setApps: (a: typeof apps) => (apps = a) };
}

describe('the gateway revalidates plain GETs instead of carrying the same answer again', () => {
  let up: ReturnType<typeof upstream>;
  let server: ListeningServer;
  let gw: Gateway;
  let base: string;

  beforeAll(async () => {
    up = upstream();
    server = await listenHttp(up.app, 0, '127.0.0.1');
    gw = await startGateway({ host: '127.0.0.1', port: 0, master: '127.0.0.1:1', marathon: [`http://127.0.0.1:${server.port}`], chronos: [] }, { log: silentLogger() });
    base = `http://127.0.0.1:${gw.port}`;
  });
  afterAll(async () => {
    await gw.close();
    await server.close();
  });

  it('answers a repeated GET from its kept answer once the upstream says 304, and a changed one anew', async () => {
    const first = await fetch(`${base}/marathon/v2/apps`);
    const etag = first.headers.get('etag');
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ apps: [{ id: '/a', instances: 1 }] });
    expect(etag).toBeTruthy();

    const second = await fetch(`${base}/marathon/v2/apps`);
    expect(second.status).toBe(200);
    expect(second.headers.get('content-type')).toMatch(/application\/json/);
    expect(second.headers.get('etag')).toBe(etag);
    expect(await second.json()).toEqual({ apps: [{ id: '/a', instances: 1 }] });
    const asked = up.seen.filter((s) => s.path === '/v2/apps');
    expect(asked.map((s) => [s.ifNoneMatch ?? null, s.status])).toEqual([
      [null, 200],
      [etag, 304],
    ]);

    up.setApps([{ id: '/a', instances: 3 }]);
    const third = await fetch(`${base}/marathon/v2/apps`);
    expect(await third.json()).toEqual({ apps: [{ id: '/a', instances: 3 }] });
    expect(third.headers.get('etag')).not.toBe(etag);
    expect(up.seen.filter((s) => s.path === '/v2/apps').at(-1)).toEqual({ path: '/v2/apps', ifNoneMatch: etag, status: 200 });

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/strata_gateway_revalidations_total\{route="marathon",outcome="reused"[^}]*\} 1/);
    expect(metrics).toMatch(/strata_gateway_revalidations_total\{route="marathon",outcome="carried"[^}]*\} 1/);
  });

  it("never answers one client's request with an answer kept for other credentials", async () => {
    await fetch(`${base}/marathon/v2/apps`, { headers: { authorization: 'token=alice' } });
    const before = up.seen.length;
    await fetch(`${base}/marathon/v2/apps`, { headers: { authorization: 'token=bob' } });
    expect(up.seen.slice(before)).toEqual([{ path: '/v2/apps', ifNoneMatch: undefined, status: 200 }]);
  });

  it("passes the client's own conditional request through: the 304 is the upstream's, for the client", async () => {
    const etag = (await fetch(`${base}/marathon/v2/apps`)).headers.get('etag')!;
    // (fetch would add Cache-Control: no-cache to a conditional request, and express then never says 304)
    const r = await fetch(`${base}/marathon/v2/apps`, { headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' } });
    expect(r.status).toBe(304);
    expect(up.seen.at(-1)).toEqual({ path: '/v2/apps', ifNoneMatch: etag, status: 304 });
  });

  it('keeps no private answer', async () => {
    await fetch(`${base}/marathon/v2/private`);
    await fetch(`${base}/marathon/v2/private`);
    expect(up.seen.filter((s) => s.path === '/v2/private').map((s) => s.ifNoneMatch)).toEqual([undefined, undefined]);
  });

  it('passes an event stream as it comes (its first frame before any end)', async () => {
    const ac = new AbortController();
    const r = await fetch(`${base}/marathon/v2/events`, { headers: { accept: 'text/event-stream' }, signal: ac.signal });
    const reader = r.body!.getReader();
    const { value } = await reader.read();
    expect(Buffer.from(value!).toString()).toContain('event: hello');
    ac.abort();
    await reader.cancel().catch(() => undefined);
  });
});
