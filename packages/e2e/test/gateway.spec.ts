import { waitFor } from '@strata/lib/testing';
import { GatewayCluster, type ChronosProcess, type LocalCluster, type MarathonProcess, type ServiceProcess } from '../src';
import { eventStream } from '../src/event-stream';

jest.setTimeout(120_000);

/** A service that says which path it was asked for: what /service/NAME must reach. */
const ECHO = `node -e "require('http').createServer((q,s)=>s.end('echo '+q.url)).listen(process.env.PORT0)"`;

describe('the gateway in front of a real cluster', () => {
  let env: GatewayCluster;
  let cluster: LocalCluster;
  let marathon: MarathonProcess;
  let chronos: ChronosProcess;
  let gw: ServiceProcess;
  let base = '';
  const get = async (p: string, init?: RequestInit) => {
    const r = await fetch(base + p, init);
    const text = await r.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // text
    }
    return { status: r.status, body, headers: r.headers };
  };

  beforeAll(async () => {
    env = await GatewayCluster.start({ agents: 1 });
    ({ cluster, marathon, chronos, gateway: gw, base } = env);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('answers for the master, Marathon and Chronos on one origin', async () => {
    const state = await get('/mesos/master/state');
    expect(state.status).toBe(200);
    expect(state.body.slaves).toHaveLength(1);
    expect((await get('/marathon/v2/info')).body.name).toBe('marathon');
    expect((await get('/service/marathon/v2/apps')).body).toEqual({ apps: [] });
    expect((await get('/chronos/v1/scheduler/jobs')).body).toEqual([]);
    expect((await get('/service/chronos/v1/scheduler/jobs')).status).toBe(200);
  });

  it('passes writes through with their bodies and the upstream error shapes untouched', async () => {
    const bad = await get('/marathon/v2/apps', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '/bad', cmd: 'true', cpus: -1 }) });
    expect(bad.status).toBe(422);
    expect(bad.body.details.some((d: { path: string }) => d.path === '/cpus')).toBe(true);
    const job = await get('/chronos/v1/scheduler/iso8601', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'via-gw', command: 'true', schedule: 'R1/2099-01-01T00:00:00Z/PT1H', cpus: 0.1, mem: 16 }) });
    expect(job.status).toBe(204);
    expect((await chronos.job('via-gw')).name).toBe('via-gw');
  });

  it('streams Marathon events through as they happen, and reaches a service by its DCOS_SERVICE_NAME', async () => {
    const events = eventStream(`${base}/marathon/v2/events`);
    try {
      expect(await events.status).toBe(200);
      const created = await get('/marathon/v2/apps', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '/echo', cmd: ECHO, cpus: 0.1, mem: 32, instances: 1, portDefinitions: [{ port: 0 }], labels: { DCOS_SERVICE_NAME: 'echo' } }) });
      expect(created.status).toBe(201);
      // The stream stays open: what arrives proves the proxy does not wait for its end.
      await waitFor(() => events.frames.some((f) => f.event === 'deployment_success'), { timeoutMs: 30_000, what: 'deployment_success through the gateway' });
    } finally {
      events.close();
    }
    const answer = await waitFor(async () => {
      const r = await get('/service/echo/hello?x=1');
      return r.status === 200 ? r : undefined;
    }, { timeoutMs: 20_000, what: 'the echo service through /service/echo' });
    expect(answer.body).toBe('echo /hello?x=1');
  });

  it("reaches an agent's API by its id", async () => {
    const id = (await cluster.state()).slaves[0]!.id;
    const st = await get(`/agent/${id}/state`);
    expect(st.status).toBe(200);
    expect(st.body.id).toBe(id);
  });

  it('says what it cannot route, in one shape, and counts what it routed', async () => {
    expect(await get('/service/nobody/x')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', message: "no app declares DCOS_SERVICE_NAME 'nobody'" } });
    expect(await get('/agent/no-such-agent/state')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await get('/nothing/here')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', message: 'no route for GET /nothing/here' } });
    const health = await get('/health');
    expect(health.body).toMatchObject({ healthy: true, upstreams: { master: cluster.masterAddress } });
    const metrics = (await get('/metrics')).body as string;
    expect(metrics).toMatch(/strata_gateway_requests_total\{[^}]*route="marathon"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/strata_gateway_requests_total\{[^}]*route="service",code="404"[^}]*\} 1/);
  });

  it('answers 502 with the reason when an upstream is down, and stays up', async () => {
    await chronos.stop();
    const r = await get('/chronos/v1/scheduler/jobs');
    expect(r.status).toBe(502);
    expect(r.body.code).toBe('UPSTREAM_FAILED');
    expect(r.body.message).toMatch(/^cannot reach Chronos at http:\/\/127\.0\.0\.1:\d+: /);
    expect((await get('/mesos/master/state')).status).toBe(200);
    expect(gw.exit).toBeUndefined();
  });
});
