import { chmodSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { waitFor } from '@strata/lib/testing';
import { taskInfo } from '@strata/sdk';
import { ChronosProcess, LocalCluster, MarathonProcess, TestFramework } from '../src';

jest.setTimeout(120_000);

/** Every file under `dir` (but `skip`) whose bytes hold `needle`. */
function filesHolding(dir: string, needle: string, skip: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (p === skip) continue;
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(p);
      else if (st?.isFile() && readFileSync(p).includes(needle)) found.push(p);
    }
  };
  walk(dir);
  return found;
}

/**
 * Secrets (issue 17): DC/OS's secret store on the master; a Marathon app names them in `env` and
 * in secret volumes; the task sees the values, and no API, log or file of the cluster holds them.
 */
describe('secrets', () => {
  let cluster: LocalCluster;
  let marathon: MarathonProcess;
  let master: string;
  let agentHttp: string;
  const dbPassword = `db-${randomUUID()}`;
  const tlsKey = `key-${randomUUID()}`;
  const secretApi = (p: string) => `${master}/secrets/v1/secret/default/${p}`;
  const put = (p: string, value: unknown, method = 'PUT') => fetch(secretApi(p), { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value }) });

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1 });
    master = `http://${cluster.masterAddress}`;
    agentHttp = `http://127.0.0.1:${(cluster.agents[0]!.logs.find((l) => l.msg === 'agent listening') as { port: number }).port}`;
    marathon = await MarathonProcess.start(cluster);
  });
  afterAll(async () => {
    await marathon?.stop();
    await cluster?.stop();
  });

  it('the store: PUT creates (409 the second time), PATCH changes, GET says when but never what, list, bad paths 400', async () => {
    expect((await put('web/db-password', 'first')).status).toBe(201);
    expect((await put('web/db-password', 'again')).status).toBe(409);
    expect((await put('web/db-password', dbPassword, 'PATCH')).status).toBe(204);
    expect((await put('tls-key', tlsKey)).status).toBe(201);
    expect((await put('gone', 'x')).status).toBe(201);
    expect((await fetch(secretApi('gone'), { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(secretApi('gone'), { method: 'DELETE' })).status).toBe(404);
    const one = await fetch(secretApi('web/db-password'));
    expect(one.status).toBe(200);
    const meta = await one.text();
    expect(JSON.parse(meta)).toMatchObject({ path: 'web/db-password' });
    expect(meta).not.toContain(dbPassword);
    expect(await (await fetch(`${secretApi('')}?list=true`)).json()).toEqual({ array: ['tls-key', 'web/db-password'] });
    expect(await (await fetch(`${secretApi('web')}?list=true`)).json()).toEqual({ array: ['db-password'] });
    for (const bad of ['a%2F..%2Fb', '.hidden', 'a%2F%2Fb', '%E0%A4%A']) expect([bad, (await put(bad, 'x')).status]).toEqual([bad, 400]);
    expect((await put('no-value', 42)).status).toBe(400);
    expect((await fetch(secretApi('nothing-here'))).status).toBe(404);
  });

  it('Marathon refuses an env or volume naming no secret, and a secret of another group (422 details)', async () => {
    const r = await marathon.call('POST', '/v2/apps', { id: '/web/bad', cmd: 'true', cpus: 0.1, mem: 16, env: { X: { secret: 'nope' } }, secrets: { other: { source: 'teamb/db' } } });
    expect(r.status).toBe(422);
    expect(r.body.details).toEqual(
      expect.arrayContaining([
        { path: '/env/X', errors: ["references an undefined secret named 'nope'"] },
        { path: '/secrets/other/source', errors: ["the secret 'teamb/db' is only for services under /teamb"] },
      ]),
    );
    expect((await marathon.call('GET', '/v2/apps/web/bad')).status).toBe(404);
  });

  it('an app gets its secrets as a variable and a file; no API, log or state file holds them; the file is not served and goes with the task', async () => {
    const app = {
      id: '/web/api',
      cmd: 'printf %s "$DB_PASSWORD" > seen-env && cat tls/key.pem > seen-file && stat -c %a tls/key.pem > key-mode && ln -s tls/key.pem link && sleep 100000',
      cpus: 0.1,
      mem: 16,
      env: { DB_PASSWORD: { secret: 'db' }, PLAIN: 'visible' },
      secrets: { db: { source: '/web/db-password' }, key: { source: 'tls-key' } },
      container: { type: 'MESOS', volumes: [{ containerPath: 'tls/key.pem', secret: 'key' }] },
    };
    expect((await marathon.call('POST', '/v2/apps', app)).status).toBe(201);
    const sandboxes = path.join(cluster.dir.path, 'agent-0', 'sandboxes');
    const sandbox = await waitFor(() => {
      for (const fw of existsSync(sandboxes) ? readdirSync(sandboxes) : []) {
        for (const t of readdirSync(path.join(sandboxes, fw))) if (t.startsWith('web_api') && existsSync(path.join(sandboxes, fw, t, 'link'))) return path.join(sandboxes, fw, t);
      }
      return undefined;
    }, { what: 'the task to write what it saw', timeoutMs: 30_000 });
    expect(readFileSync(path.join(sandbox, 'seen-env'), 'utf8')).toBe(dbPassword);
    expect(readFileSync(path.join(sandbox, 'seen-file'), 'utf8')).toBe(tlsKey);
    expect(readFileSync(path.join(sandbox, 'key-mode'), 'utf8').trim()).toBe('400');

    // The files API serves the task's files, not its secret, not even through a link to it.
    const rel = path.relative(sandboxes, sandbox);
    const read = (p: string) => fetch(`${agentHttp}/files/read?path=${encodeURIComponent(path.join(rel, p))}&offset=0`);
    expect((await read('seen-env')).status).toBe(200);
    for (const p of ['tls/key.pem', 'link']) {
      const r = await read(p);
      expect([p, r.status]).toEqual([p, 403]);
      expect(await r.text()).not.toContain(tlsKey);
    }
    expect((await fetch(`${agentHttp}/files/download?path=${encodeURIComponent(path.join(rel, 'tls/key.pem'))}`)).status).toBe(403);

    // Nothing that answers or writes down holds a value.
    const answers = [
      await (await fetch(`${marathon.base}/v2/apps/web/api?embed=app.tasks`)).text(),
      await (await fetch(`${marathon.base}/v2/apps/web/api/tasks`)).text(),
      await (await fetch(`${master}/master/state`)).text(),
      await (await fetch(`${agentHttp}/state`)).text(),
      await (await fetch(`${secretApi('tls-key')}`)).text(),
    ];
    const logs = [cluster.master, cluster.agents[0]!, marathon.proc].map((p) => JSON.stringify(p.logs) + p.stderr);
    for (const secret of [dbPassword, tlsKey]) {
      for (const a of answers) expect(a).not.toContain(secret);
      for (const l of logs) expect(l).not.toContain(secret);
    }
    expect(answers[0]).toContain('web/db-password'); // the definition names its secrets
    // The master's store has the values (that is where they live); the agent's checkpoints and Marathon's state do not.
    expect(filesHolding(cluster.dir.path, dbPassword, sandboxes).every((f) => f.startsWith(path.join(cluster.dir.path, 'master') + path.sep))).toBe(true);
    expect(filesHolding(cluster.dir.path, tlsKey, sandboxes).every((f) => f.startsWith(path.join(cluster.dir.path, 'master') + path.sep))).toBe(true);
    expect(filesHolding(cluster.dir.path, dbPassword, sandboxes).length).toBeGreaterThan(0);

    // Scaled to 0: the task ends and takes its secret file with it.
    expect((await marathon.call('PUT', '/v2/apps/web/api', { instances: 0 })).status).toBe(200);
    await waitFor(() => !existsSync(path.join(sandbox, 'tls', 'key.pem')) || undefined, { what: 'the secret file to go with the task', timeoutMs: 30_000 });
    expect(readFileSync(path.join(sandbox, 'seen-file'), 'utf8')).toBe(tlsKey); // what the task wrote itself stays
  });

  it("a task run as nobody reads its secret file, which is nobody's alone", async () => {
    // A task's user must pass through the directories above its sandbox; the test's temp dir is 0700.
    chmodSync(cluster.dir.path, 0o711);
    const app = { id: '/web/as-nobody', user: 'nobody', cmd: 'cat tls/key.pem > seen-file && sleep 100000', cpus: 0.1, mem: 16, secrets: { key: { source: 'tls-key' } }, container: { type: 'MESOS', volumes: [{ containerPath: 'tls/key.pem', secret: 'key' }] } };
    expect((await marathon.call('POST', '/v2/apps', app)).status).toBe(201);
    const sandboxes = path.join(cluster.dir.path, 'agent-0', 'sandboxes');
    const sandbox = await waitFor(() => {
      for (const fw of readdirSync(sandboxes)) {
        for (const t of readdirSync(path.join(sandboxes, fw))) if (t.startsWith('web_as-nobody') && statSync(path.join(sandboxes, fw, t, 'seen-file'), { throwIfNoEntry: false })?.size) return path.join(sandboxes, fw, t);
      }
      return undefined;
    }, { what: 'the nobody task to read its secret', timeoutMs: 30_000 });
    expect(readFileSync(path.join(sandbox, 'seen-file'), 'utf8')).toBe(tlsKey);
    const st = statSync(path.join(sandbox, 'tls', 'key.pem'));
    expect([st.uid, st.mode & 0o777]).toEqual([65534, 0o400]);
    expect((await marathon.call('DELETE', '/v2/apps/web/as-nobody')).status).toBe(200);
  });

  it('a Chronos job gets its secret too, and a reference to an undefined one is a 400', async () => {
    const chronos = await ChronosProcess.start(cluster);
    try {
      const bad = await chronos.call('POST', '/iso8601', { name: 'etl.bad', command: 'true', schedule: 'R1//PT1S', cpus: 0.1, mem: 16, environmentVariables: [{ name: 'PW', secret: 'nope' }] });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain("references an undefined secret named 'nope'");
      const job = { name: 'web.report', command: 'printf %s "$PW" > seen-env', schedule: 'R1//PT1S', cpus: 0.1, mem: 16, environmentVariables: [{ name: 'PW', secret: 'pw' }], secrets: { pw: { source: 'web/db-password' } } };
      expect((await chronos.call('POST', '/iso8601', job)).status).toBe(204);
      const sandboxes = path.join(cluster.dir.path, 'agent-0', 'sandboxes');
      const seen = await waitFor(() => {
        for (const fw of readdirSync(sandboxes)) {
          for (const t of readdirSync(path.join(sandboxes, fw))) {
            const f = path.join(sandboxes, fw, t, 'seen-env');
            if (t.includes('web.report') && statSync(f, { throwIfNoEntry: false })?.size) return readFileSync(f, 'utf8');
          }
        }
        return undefined;
      }, { what: 'the job to write what it saw', timeoutMs: 30_000 });
      expect(seen).toBe(dbPassword);
      const shown = JSON.stringify((await chronos.call('GET', '/jobs')).body);
      expect(shown).toContain('web/db-password');
      expect(shown).not.toContain(dbPassword);
      expect(JSON.stringify(chronos.proc.logs) + chronos.proc.stderr).not.toContain(dbPassword);
    } finally {
      await chronos.stop();
    }
  });

  it('a task naming a secret the store does not have ends TASK_ERROR naming it', async () => {
    const fw = await TestFramework.subscribe(cluster.masterAddress, { name: 'missing-secret' });
    try {
      const o = await fw.nextOffer();
      const t = taskInfo(o, { id: 'needs-secret', command: 'true', cpus: 0.1, mem: 16, secretEnv: { X: 'no/such/secret' } });
      fw.driver.launch([o.id!.value], [t]);
      const s = await fw.waitForState('needs-secret', 'TASK_ERROR');
      expect([s.reason, s.message]).toEqual(['REASON_TASK_INVALID', "Secret 'no/such/secret' not found"]);
    } finally {
      fw.close();
    }
  });

  it('secrets outlive a master restart (they are in its store), still without their values in any answer', async () => {
    await cluster.master.stop('SIGTERM');
    await cluster.restartMaster();
    expect(await (await fetch(`${secretApi('')}?list=true`)).json()).toEqual({ array: ['tls-key', 'web/db-password'] });
    expect(await (await fetch(secretApi('tls-key'))).text()).not.toContain(tlsKey);
  });
});
