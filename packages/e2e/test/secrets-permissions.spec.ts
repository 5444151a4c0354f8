import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { authorizationFor } from '@strata/lib';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { taskInfo } from '@strata/sdk';
import { LocalCluster, TestFramework } from '../src';

jest.setTimeout(120_000);

/**
 * Who may do what with secrets (issue 17): the master's --permissions on
 * `dcos:secrets:default:/PATH` decide who creates, reads (lists, uses in a launch), changes and
 * deletes which; a refusal is 403 and changes nothing; anonymous is 401.
 */
describe('permissions on secrets', () => {
  const dir = tmpDir('strata-secret-perms-');
  const secret = (p: string) => `${p}-secret`;
  const auth = (p: string) => authorizationFor({ kind: 'basic', principal: p, secret: secret(p) });
  const files = { credentials: path.join(dir.path, 'credentials'), permissions: path.join(dir.path, 'permissions.json'), agent: path.join(dir.path, 'agent.credential') };
  writeFileSync(files.credentials, ['ops', 'teama', 'fw-a', 'agent'].map((p) => `${p} ${secret(p)}`).join('\n'));
  writeFileSync(files.agent, `agent ${secret('agent')}`);
  writeFileSync(
    files.permissions,
    JSON.stringify({
      permissions: [
        { principal: 'ops', resource: 'dcos:superuser', actions: 'full' },
        { principal: 'teama', resource: 'dcos:secrets:default:/teama', actions: 'full' },
        { principal: 'fw-a', resource: 'dcos:secrets:default:/teama', actions: ['read'] },
      ],
    }),
  );
  const security = ['--authenticate', '--credentials', files.credentials];
  const valueA = `a-${randomUUID()}`;
  let cluster: LocalCluster;
  let fw: TestFramework | undefined;
  const call = (method: string, p: string, principal: string | undefined, value?: string) =>
    fetch(`http://${cluster.masterAddress}/secrets/v1/secret/default/${p}`, { method, headers: { ...(principal ? { authorization: auth(principal) } : {}), 'content-type': 'application/json' }, ...(value !== undefined ? { body: JSON.stringify({ value }) } : {}) });
  const list = async (principal: string) => ((await (await call('GET', '?list=true', principal)).json()) as { array: string[] }).array;

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, masterArgs: [...security, '--permissions', files.permissions], agentArgs: [...security, '--credential', files.agent], authorization: auth('ops') });
  });
  afterAll(async () => {
    fw?.close();
    await cluster?.stop();
    dir.remove();
  });

  it('each principal acts on its own paths; a refusal is 403 and changes nothing; anonymous is 401', async () => {
    expect((await call('PUT', 'teama/db', 'teama', valueA)).status).toBe(201);
    expect((await call('PUT', 'teamb/db', 'teama', 'x')).status).toBe(403);
    expect((await call('PUT', 'teamb/db', 'ops', 'b-value')).status).toBe(201);
    expect((await call('PUT', 'teama/anon', undefined, 'x')).status).toBe(401);
    const before = await (await call('GET', 'teamb/db', 'ops')).json();
    for (const [method, value] of [['PATCH', 'changed'], ['DELETE', undefined]] as const) expect([method, (await call(method, 'teamb/db', 'teama', value)).status]).toEqual([method, 403]);
    expect((await call('GET', 'teamb/db', 'teama')).status).toBe(403);
    expect(await (await call('GET', 'teamb/db', 'ops')).json()).toEqual(before);
    expect(await list('teama')).toEqual(['teama/db']);
    expect(await list('ops')).toEqual(['teama/db', 'teamb/db']);
    expect(await list('fw-a')).toEqual(['teama/db']);
  });

  it("a framework's task may use the secrets its principal may read, and only those", async () => {
    fw = new TestFramework(cluster.masterAddress, { principal: 'fw-a', user: 'root', failoverTimeout: 0 }, auth('fw-a'));
    await fw.driver.subscribe(10_000);
    let o = await fw.nextOffer();
    fw.driver.launch([o.id!.value], [taskInfo(o, { id: 'uses-b', command: 'true', cpus: 0.1, mem: 16, secretEnv: { X: 'teamb/db' } })]);
    const refused = await fw.waitForState('uses-b', 'TASK_ERROR');
    expect([refused.reason, refused.message]).toEqual(['REASON_TASK_UNAUTHORIZED', "Not authorized to use secret 'teamb/db'"]);
    o = await fw.nextOffer();
    fw.driver.launch([o.id!.value], [taskInfo(o, { id: 'uses-a', command: 'printf %s "$X" > seen', cpus: 0.1, mem: 16, secretEnv: { X: 'teama/db' } })]);
    await fw.waitForState('uses-a', 'TASK_FINISHED', 30_000);
    const sandboxes = path.join(cluster.dir.path, 'agent-0', 'sandboxes');
    const seen = await waitFor(() => {
      for (const f of readdirSync(sandboxes)) {
        const p = path.join(sandboxes, f, 'uses-a', 'seen');
        if (statSync(p, { throwIfNoEntry: false })) return readFileSync(p, 'utf8');
      }
      return undefined;
    }, { what: 'the task to write what it saw', timeoutMs: 10_000 });
    expect(seen).toBe(valueA);
  });
});
