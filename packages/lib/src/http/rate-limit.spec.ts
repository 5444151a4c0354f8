import { Router } from 'express';
import { silentLogger } from '../log';
import { createMetricsRegistry } from '../metrics';
import { parseCredentials } from '../security/credentials';
import { Authenticator } from '../security/authenticator';
import { authorizationFor } from '../security/authorization-header';
import { parseRateLimit } from '../security/load';
import { createHttpApp, finishHttpApp, listenHttp, type ListeningServer } from './app';
import { TokenBuckets } from './rate-limit';

describe('TokenBuckets', () => {
  it('lets a burst through, then one per 1/rate, and says how long to wait', () => {
    const b = new TokenBuckets({ perSecond: 2, burst: 3 });
    expect([b.take('a', 0), b.take('a', 0), b.take('a', 0)].every((r) => r.ok)).toBe(true);
    expect(b.take('a', 0)).toEqual({ ok: false, retryAfterMs: 500 });
    expect(b.take('a', 499).ok).toBe(false);
    expect(b.take('a', 500).ok).toBe(true);
    expect(b.take('b', 0).ok).toBe(true); // each key its own bucket
    expect(b.take('a', 10_000).ok).toBe(true); // refilled, but never past the burst
    expect([b.take('a', 10_000), b.take('a', 10_000)].every((r) => r.ok)).toBe(true);
    expect(b.take('a', 10_000).ok).toBe(false);
  });

  it('stays bounded: idle full buckets go first, then the least recently used', () => {
    const b = new TokenBuckets({ perSecond: 1, burst: 1 }, 3);
    for (const k of ['a', 'b', 'c', 'd', 'e']) b.take(k, 0);
    expect(b.size).toBeLessThanOrEqual(3);
    expect(b.take('e', 0).ok).toBe(false); // the most recent one is kept
  });
});

describe('parseRateLimit', () => {
  it('reads N and N/BURST, none for 0 or nothing, and refuses the rest', () => {
    expect(parseRateLimit('20')).toEqual({ perSecond: 20, burst: 40 });
    expect(parseRateLimit('0.5/3')).toEqual({ perSecond: 0.5, burst: 3 });
    expect(parseRateLimit('0')).toBeUndefined();
    expect(parseRateLimit(undefined)).toBeUndefined();
    for (const bad of ['x', '-1', '5/0', '5/']) expect(() => parseRateLimit(bad)).toThrow(/--rate-limit/);
  });
});

describe('writes limited per principal', () => {
  let server: ListeningServer;
  let base: string;
  const as = (p: string) => authorizationFor({ kind: 'basic', principal: p, secret: 's' });

  beforeAll(async () => {
    const app = createHttpApp({ metrics: createMetricsRegistry('t'), security: { authenticator: new Authenticator({ credentials: parseCredentials('a s\nb s') }) }, rateLimit: { perSecond: 1, burst: 2 } });
    const r = Router();
    r.post('/things', (_req, res) => void res.status(201).json({}));
    r.get('/things', (_req, res) => void res.json([]));
    app.use(r);
    finishHttpApp(app, silentLogger());
    server = await listenHttp(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.close());

  it('answers 429 with Retry-After past the burst, for that principal only, and never limits reads', async () => {
    const post = (p: string) => fetch(`${base}/things`, { method: 'POST', headers: { authorization: as(p), 'content-type': 'application/json' }, body: '{}' });
    expect([(await post('a')).status, (await post('a')).status]).toEqual([201, 201]);
    const refused = await post('a');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { code: string }).code).toBe('RATE_LIMITED');
    expect((await post('b')).status).toBe(201);
    for (let i = 0; i < 5; i++) expect((await fetch(`${base}/things`, { headers: { authorization: as('a') } })).status).toBe(200);
  });
});
