import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { TokenIssuer, authorizationFor, generateTokenKeys } from '@strata/lib';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { BINS, ChronosProcess, LocalCluster, MarathonProcess, ServiceProcess, TestFramework, methodsOf, routesOfService, samplePath, strata } from '../src';

jest.setTimeout(180_000);

/**
 * Authentication on every service (issue 17): master, agent, Marathon, Chronos and the gateway
 * started with --authenticate. Every route each one lists in /help (read from its routers, so a
 * new route is covered without anyone listing it) refuses anonymous requests and wrong
 * secrets with a 401, and nothing is written by them; /health (and Marathon's /ping) stay open.
 */
describe('authentication on every route of every service', () => {
  const dir = tmpDir('strata-authn-');
  const keys = generateTokenKeys();
  const account = generateTokenKeys();
  const files = {
    credentials: path.join(dir.path, 'credentials.json'),
    publicKey: path.join(dir.path, 'token.pub'),
    privateKey: path.join(dir.path, 'token.key'),
    credential: path.join(dir.path, 'gateway.credential'),
    agentCredential: path.join(dir.path, 'agent.credential'),
    wrongCredential: path.join(dir.path, 'wrong.credential'),
    frameworkSecret: path.join(dir.path, 'framework.secret'),
  };
  writeFileSync(
    files.credentials,
    JSON.stringify({ credentials: [{ principal: 'ops', secret: 'ops-secret' }, { principal: 'ci-bot', public_key: account.publicKey }, { principal: 'agent', secret: 'agent-secret' }, { principal: 'framework', secret: 'framework-secret' }] }),
  );
  writeFileSync(files.publicKey, keys.publicKey);
  writeFileSync(files.privateKey, keys.privateKey);
  writeFileSync(files.credential, 'ops ops-secret');
  writeFileSync(files.agentCredential, JSON.stringify({ principal: 'agent', secret: 'agent-secret' }));
  writeFileSync(files.frameworkSecret, 'framework-secret\n');
  writeFileSync(files.wrongCredential, 'agent not-its-secret');
  writeFileSync(path.join(dir.path, 'ci-bot.key'), account.privateKey);
  const ops = authorizationFor({ kind: 'basic', principal: 'ops', secret: 'ops-secret' });
  const wrong = authorizationFor({ kind: 'basic', principal: 'ops', secret: 'nope' });
  const flags = ['--authenticate', '--credentials', files.credentials, '--token-public-key', files.publicKey];
  const frameworkFlags = [...flags, '--mesos-authentication-principal', 'framework', '--mesos-authentication-secret-file', files.frameworkSecret];

  let cluster: LocalCluster;
  let marathon: MarathonProcess;
  let chronos: ChronosProcess;
  let gateway: ServiceProcess;
  let bases: Record<'master' | 'agent' | 'marathon' | 'chronos' | 'gateway', string>;

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, masterArgs: flags, agentArgs: [...flags, '--credential', files.agentCredential], authorization: ops });
    marathon = await MarathonProcess.start(cluster, frameworkFlags);
    marathon.authorization = ops;
    chronos = await ChronosProcess.start(cluster, frameworkFlags);
    chronos.authorization = ops;
    gateway = ServiceProcess.start('gateway', BINS.gateway, ['--port', '0', '--http-address', '127.0.0.1', '--master', cluster.masterAddress, '--marathon', marathon.base, '--chronos', chronos.base.replace(/\/v1\/scheduler$/, ''), ...flags, '--token-private-key', files.privateKey, '--credential', files.credential]);
    const gw = `http://127.0.0.1:${(await gateway.waitForLog('gateway listening')).port}`;
    const agent = (await cluster.state()).slaves[0]!;
    bases = { master: `http://${cluster.masterAddress}`, agent: `http://${agent.hostname}:${agent.port}`, marathon: marathon.base, chronos: chronos.base.replace(/\/v1\/scheduler$/, ''), gateway: gw };
    await waitFor(async () => (await marathon.call('GET', '/v2/info')).status === 200, { what: 'Marathon loaded', timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await gateway?.stop();
    await chronos?.stop();
    await marathon?.stop();
    await cluster?.stop();
    dir.remove();
  });

  const send = (url: string, method: string, authorization?: string) =>
    fetch(url, { method, headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: method === 'GET' || method === 'HEAD' ? undefined : '{"id": "/intruder", "name": "intruder", "cmd": "true"}', redirect: 'manual' });

  it.each(['master', 'agent', 'marathon', 'chronos', 'gateway'] as const)('%s: every route it lists answers 401 to anonymous requests and wrong secrets; its probes stay open', async (service) => {
    const base = bases[service];
    const routes = await routesOfService(base, ops);
    expect(routes.length).toBeGreaterThan(service === 'marathon' ? 20 : 2);
    // Open on purpose: probes, and the gateway's login and logout (which only clears the browser's cookie).
    const open = new Set(['/health', '/ping', '/acs/api/v1/auth/login', '/acs/api/v1/auth/logout']);
    const answered: string[] = [];
    for (const r of routes) {
      const p = samplePath(r.path);
      for (const m of methodsOf(r)) {
        if (open.has(p)) continue;
        const anon = await send(base + p, m);
        const bad = await send(base + p, m, wrong);
        answered.push(`${m} ${p} ${anon.status} ${bad.status}`);
        // The gateway challenges as DC/OS's Admin Router (acsjwt only: a browser must not pop its own Basic dialog); the services with Basic too.
        expect([`${m} ${p}`, anon.status, anon.headers.get('www-authenticate')?.includes(service === 'gateway' ? 'acsjwt' : 'Basic') ?? false]).toEqual([`${m} ${p}`, 401, true]);
        if (service === 'gateway') expect(anon.headers.get('www-authenticate')).not.toContain('Basic');
        expect([`${m} ${p}`, bad.status]).toEqual([`${m} ${p}`, 401]);
      }
    }
    expect(answered.length).toBeGreaterThan(0);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    // The same routes with credentials are not refused (whatever else they answer).
    expect((await send(`${base}/help`, 'GET', ops)).status).toBe(200);
  });

  it("the master's scheduler channel refuses anonymous frameworks, wrong secrets and a principal that is not the caller's", async () => {
    const refused = async (authorization: string | undefined, framework = {}) => {
      const f = new TestFramework(cluster.masterAddress, { failoverTimeout: 0, ...framework }, authorization);
      try {
        return await f.driver.subscribe(10_000).then(
          () => 'subscribed',
          (err: Error) => err.message,
        );
      } finally {
        f.close();
      }
    };
    expect(await refused(undefined)).toMatch(/^Framework is not authenticated: authentication required/);
    expect(await refused(wrong)).toMatch(/^Framework is not authenticated: invalid principal or secret/);
    expect(await refused(ops, { principal: 'someone-else' })).toBe("Framework principal 'someone-else' does not match authenticated principal 'ops'");
    // Marathon and Chronos subscribed with their --mesos-authentication-principal; nobody else got in.
    const state = await cluster.state();
    expect(state.frameworks.map((f) => [f.name, f.principal]).sort()).toEqual([['chronos', 'framework'], ['marathon', 'framework']]);
    expect(await refused(ops)).toBe('subscribed');
  });

  it("the master's agent channel refuses an agent without the right credential: it never joins", async () => {
    const log = (p: ServiceProcess) => p.logs.map((l) => `${String(l.msg)} ${String(l.err ?? '')}`);
    for (const [name, extra] of [['anonymous', []], ['wrong', ['--credential', files.wrongCredential]]] as const) {
      const intruder = ServiceProcess.start(`agent-${name}`, BINS.agent, ['--master', cluster.masterAddress, '--ip', '127.0.0.1', '--port', '0', '--hostname', '127.0.0.1', '--work-dir', path.join(dir.path, `intruder-${name}`), '--resources', 'cpus:1;mem:256', ...flags, ...extra]);
      try {
        await waitFor(() => log(intruder).find((l) => l.startsWith('cannot reach the leading master') && /authenticat|invalid principal|Not authorized/.test(l)), { what: `${name} agent refused`, timeoutMs: 15_000 });
        expect(log(intruder).some((l) => l.startsWith('agent registered'))).toBe(false);
      } finally {
        await intruder.stop();
      }
    }
    expect((await cluster.state()).slaves).toHaveLength(1);
  });

  it('the gateway refuses its proxied prefixes anonymously, and lets the UI shell load', async () => {
    for (const p of ['/mesos/master/state', '/marathon/v2/apps', '/chronos/v1/scheduler/jobs', '/service/marathon/v2/info', '/service/web/', '/agent/x/state', '/metrics']) {
      expect([p, (await send(bases.gateway + p, 'GET')).status]).toEqual([p, 401]);
    }
    expect((await fetch(`${bases.gateway}/`)).status).toBe(200);
    expect((await fetch(`${bases.gateway}/app.js`)).status).toBe(200);
  });

  it('nothing an anonymous request sent was written', async () => {
    expect((await marathon.call('GET', '/v2/apps')).body.apps).toEqual([]);
    expect((await chronos.call('GET', '/jobs')).body).toEqual([]);
  });

  it('a login at the gateway gives a token every service accepts; a wrong password or a foreign token gets 401', async () => {
    const login = (body: unknown) => fetch(`${bases.gateway}/acs/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await login({ uid: 'ops', password: 'ops-secret' });
    expect(ok.status).toBe(200);
    const { token } = (await ok.json()) as { token: string };
    for (const url of [`${bases.master}/master/state`, `${bases.agent}/state`, `${bases.marathon}/v2/apps`, `${bases.chronos}/v1/scheduler/jobs`, `${bases.gateway}/marathon/v2/apps`, `${bases.gateway}/mesos/master/state`]) {
      expect([url, (await send(url, 'GET', `token=${token}`)).status]).toEqual([url, 200]);
      expect([url, (await send(url, 'GET', `Bearer ${token}`)).status]).toEqual([url, 200]);
    }
    expect((await login({ uid: 'ops', password: 'nope' })).status).toBe(401);
    expect((await login({ uid: 'nobody', password: 'ops-secret' })).status).toBe(401);
    expect((await login({ uid: 'ops' })).status).toBe(400);
    const foreign = (await new TokenIssuer(generateTokenKeys().privateKey).issue('ops')).token;
    const refused = await send(`${bases.marathon}/v2/apps`, 'GET', `token=${foreign}`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ message: 'Invalid username or password.' });
  });

  it('a service account logs in with a token signed by its own key, and not with a key that is not its own', async () => {
    const selfSigned = (key: string) => new TokenIssuer(key, undefined, 60).issue('ci-bot').then((t) => t.token);
    const login = (token: string) => fetch(`${bases.gateway}/acs/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uid: 'ci-bot', token }) });
    const ok = await login(await selfSigned(account.privateKey));
    expect(ok.status).toBe(200);
    const { token } = (await ok.json()) as { token: string };
    expect((await send(`${bases.marathon}/v2/info`, 'GET', `token=${token}`)).status).toBe(200);
    expect((await login(await selfSigned(keys.privateKey))).status).toBe(401);
  });

  it('the CLI logs in through the gateway, sends its token on every command, and logs out', async () => {
    const env = { STRATA_CONFIG_DIR: path.join(dir.path, 'cli'), STRATA_URL: '', STRATA_TOKEN: '', OPS_PASSWORD: 'ops-secret' };
    const cli = (args: string[], input?: string) => strata(args, env, { input });
    expect((await cli(['cluster', 'setup', bases.gateway])).code).toBe(0);
    const before = await cli(['app', 'list']);
    expect([before.code, before.stderr]).toEqual([1, expect.stringMatching(/authentication required.* \[HTTP 401\]: log in with `strata auth login`/)]);
    expect((await cli(['auth', 'login', '--username', 'ops', '--password-env', 'WRONG_VAR'])).stderr).toMatch(/WRONG_VAR: the variable is not set/);
    const badLogin = await cli(['auth', 'login', '--username', 'ops'], 'nope\n');
    expect([badLogin.code, badLogin.stderr]).toEqual([1, expect.stringMatching(/invalid uid or password \[HTTP 401\]/)]);
    const login = await cli(['auth', 'login', '--username', 'ops', '--password-env', 'OPS_PASSWORD']);
    expect([login.code, login.stdout]).toEqual([0, expect.stringMatching(/logged in to .* as ops/)]);
    const list = await cli(['app', 'list', '--json']);
    expect([list.code, JSON.parse(list.stdout)]).toEqual([0, []]);
    const jobs = await cli(['job', 'list', '--json']);
    expect(jobs.code).toBe(0);
    const svc = await cli(['auth', 'login', '--username', 'ci-bot', '--private-key', path.join(dir.path, 'ci-bot.key')]);
    expect([svc.code, svc.stdout]).toEqual([0, expect.stringMatching(/as ci-bot/)]);
    expect((await cli(['node', 'list', '--json'])).code).toBe(0);
    expect((await cli(['auth', 'logout'])).code).toBe(0);
    expect((await cli(['app', 'list'])).code).toBe(1);
  });
});
