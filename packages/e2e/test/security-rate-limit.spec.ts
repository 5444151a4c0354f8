import { waitFor } from '@strata/lib/testing';
import { LocalCluster } from '../src';

jest.setTimeout(60_000);

/** Hardening (issue 17): writes are limited per caller (`--rate-limit N/BURST`); a refused write changes nothing; reads are never limited. */
describe('--rate-limit on the master', () => {
  let cluster: LocalCluster;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, masterArgs: ['--rate-limit', '1/2'] });
  });
  afterAll(async () => cluster?.stop());

  const master = (method: string, path: string, body?: unknown) => fetch(`http://${cluster.masterAddress}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const weights = async () => (await (await master('GET', '/weights')).json()) as { role: string; weight: number }[];

  it('lets a burst of writes through, answers 429 with Retry-After past it without applying the write, and never limits reads', async () => {
    expect((await master('PUT', '/weights', [{ role: 'a', weight: 2 }])).status).toBe(200);
    expect((await master('PUT', '/weights', [{ role: 'b', weight: 2 }])).status).toBe(200);
    const refused = await master('PUT', '/weights', [{ role: 'c', weight: 2 }]);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await weights()).map((w) => w.role).sort()).toEqual(['a', 'b']);
    for (let i = 0; i < 10; i++) expect((await master('GET', '/weights')).status).toBe(200);
    // Once a token is back, writes go through again.
    await waitFor(async () => (await master('PUT', '/weights', [{ role: 'c', weight: 2 }])).status === 200 || undefined, { what: 'a write let through again', timeoutMs: 5_000, intervalMs: 300 });
    expect((await weights()).map((w) => w.role).sort()).toEqual(['a', 'b', 'c']);
  });
});
