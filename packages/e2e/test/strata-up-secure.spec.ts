import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { authorizationFor, freePort, tlsFetch } from '@strata/lib';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { StrataUp } from '../src';

jest.setTimeout(180_000);

/**
 * `strata up --secure`: the local cluster with authentication on every service and TLS on
 * every listener (mutual between master and agents), its keys, secrets and CA made under the
 * work dir, and the admin's login printed. Everything works for the admin; nothing answers
 * plaintext or anonymous requests.
 */
describe('strata up --secure', () => {
  const dir = tmpDir('strata-up-secure-');
  let up: StrataUp | undefined;
  afterAll(() => {
    up?.kill();
    dir.remove();
  });

  it('brings up a cluster that answers only TLS and only with credentials, and works for the admin', async () => {
    const [masterPort, agentPort, marathonPort, chronosPort, gatewayPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    up = new StrataUp(['--secure', '--work-dir', dir.path, '--ip', '127.0.0.1', '--master-port', String(masterPort), '--agent-port', String(agentPort), '--marathon-port', String(marathonPort), '--chronos-port', String(chronosPort), '--gateway-port', String(gatewayPort), '--resources', 'cpus:2;mem:1024;disk:1024;ports:[31000-31100]']);
    await up.ready(90_000);
    const password = /log in as admin, password (\S+):/.exec(up.out)?.[1];
    expect(password).toBeTruthy();
    const secure = path.join(dir.path, 'secure');
    const tls = { ca: readFileSync(path.join(secure, 'ca', 'ca.crt')), cert: readFileSync(path.join(secure, 'certs', 'node.crt')), key: readFileSync(path.join(secure, 'certs', 'node.key')), requireClientCert: false };
    const admin = authorizationFor({ kind: 'basic', principal: 'admin', secret: password! });
    const get = (url: string, authorization?: string) => tlsFetch(url, tls, { headers: authorization ? { authorization } : {} });

    // Plaintext is refused everywhere; TLS without credentials gets a 401.
    for (const port of [masterPort, agentPort, marathonPort, chronosPort, gatewayPort]) {
      await expect(fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
    }
    expect((await get(`https://127.0.0.1:${masterPort}/master/state`)).status).toBe(401);
    expect((await get(`https://127.0.0.1:${marathonPort}/v2/apps`)).status).toBe(401);
    expect((await get(`https://127.0.0.1:${gatewayPort}/marathon/v2/apps`)).status).toBe(401);

    // The admin: the agent registered over mutual TLS, both frameworks subscribed with their principals.
    const state = (await (await get(`https://127.0.0.1:${masterPort}/master/state`, admin)).json()) as { slaves: { active: boolean }[]; frameworks: { name: string; principal?: string }[] };
    expect(state.slaves.map((s) => s.active)).toEqual([true]);
    expect(state.frameworks.map((f) => [f.name, f.principal]).sort()).toEqual([['chronos', 'chronos'], ['marathon', 'marathon']]);

    // A login at the gateway, then an app through it that runs.
    const login = await tlsFetch(`https://127.0.0.1:${gatewayPort}/acs/api/v1/auth/login`, tls, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uid: 'admin', password }) });
    expect(login.status).toBe(200);
    const token = `token=${((await login.json()) as { token: string }).token}`;
    const created = await tlsFetch(`https://127.0.0.1:${gatewayPort}/marathon/v2/apps`, tls, { method: 'POST', headers: { 'content-type': 'application/json', authorization: token }, body: JSON.stringify({ id: '/secure-app', cmd: 'sleep 100000', cpus: 0.1, mem: 16 }) });
    expect(created.status).toBe(201);
    await waitFor(async () => {
      const tasks = ((await (await get(`https://127.0.0.1:${gatewayPort}/marathon/v2/apps/secure-app/tasks`, token)).json()) as { tasks: { state: string }[] }).tasks;
      return tasks.some((t) => t.state === 'TASK_RUNNING') || undefined;
    }, { what: 'the app running', timeoutMs: 30_000 });

    expect(await up.interrupt()).toBe(0);
  });
});
