import { chmodSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { authorizationFor } from '@strata/lib';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { taskInfo } from '@strata/sdk';
import { BINS, LocalCluster, ServiceProcess, TestFramework } from '../src';

jest.setTimeout(120_000);

/**
 * Mesos's ACLs on the master (issue 17), with authentication on and `permissive: false`: who
 * may register a framework with which role, run tasks as which user, join as an agent, and
 * change weights, quota, reservations or tear a framework down. A refusal changes nothing.
 */
describe("the master's ACLs", () => {
  const dir = tmpDir('strata-acls-');
  const secret = (p: string) => `${p}-secret`;
  const principals = ['ops', 'web-team', 'ci', 'agent'];
  const auth = (p: string) => authorizationFor({ kind: 'basic', principal: p, secret: secret(p) });
  const files = { credentials: path.join(dir.path, 'credentials'), acls: path.join(dir.path, 'acls.json'), agent: path.join(dir.path, 'agent.credential'), opsAgent: path.join(dir.path, 'ops.credential') };
  writeFileSync(files.credentials, principals.map((p) => `${p} ${secret(p)}`).join('\n'));
  writeFileSync(files.agent, `agent ${secret('agent')}`);
  writeFileSync(files.opsAgent, `ops ${secret('ops')}`);
  const only = (who: string[]) => ({ values: who });
  writeFileSync(
    files.acls,
    JSON.stringify({
      permissive: false,
      register_frameworks: [
        { principals: only(['web-team']), roles: only(['web']) },
        { principals: { type: 'ANY' }, roles: only(['*']) },
      ],
      run_tasks: [
        { principals: only(['web-team']), users: only(['nobody']) },
        { principals: only(['ops']), users: { type: 'ANY' } },
      ],
      register_agents: [{ principals: only(['agent']), agents: { type: 'ANY' } }],
      update_weights: [{ principals: only(['ops']), roles: { type: 'ANY' } }],
      update_quotas: [{ principals: only(['ops']), roles: { type: 'ANY' } }],
      reserve_resources: [{ principals: only(['ops']), roles: { type: 'ANY' } }],
      unreserve_resources: [{ principals: only(['ops']), reserver_principals: { type: 'ANY' } }],
      teardown_frameworks: [{ principals: only(['ops']), framework_principals: { type: 'ANY' } }],
    }),
  );
  const security = ['--authenticate', '--credentials', files.credentials];

  let cluster: LocalCluster;
  const frameworks: TestFramework[] = [];
  /** `keepOffers` false: the framework declines every offer for an hour (one agent's offers go to one framework at a time). */
  const subscribe = async (principal: string, roles: string[], user = 'root', keepOffers = false) => {
    const f = new TestFramework(cluster.masterAddress, { principal, roles, user, failoverTimeout: 0 }, auth(principal));
    if (!keepOffers) f.onOffers = (offers) => f.driver.decline(offers.map((o) => o.id!.value), { refuseSeconds: 3600 });
    frameworks.push(f);
    return f.driver.subscribe(10_000).then(
      () => f,
      (err: Error) => err.message,
    );
  };
  const master = (method: string, p: string, principal: string, body?: string, type = 'application/json') =>
    fetch(`http://${cluster.masterAddress}${p}`, { method, headers: { authorization: auth(principal), 'content-type': type }, body });

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, masterArgs: [...security, '--acls', files.acls], agentArgs: [...security, '--credential', files.agent], authorization: auth('ops') });
    // The agent runs a task as its user (nobody, below): the directories above its sandbox must let it through (the test's temp dir is 0700).
    chmodSync(cluster.dir.path, 0o711);
  });
  afterAll(async () => {
    for (const f of frameworks) f.close();
    await cluster?.stop();
    dir.remove();
  });

  it('a framework without register_frameworks for role web cannot subscribe with it; one that has it can', async () => {
    expect(await subscribe('ci', ['web'])).toBe("Not authorized to use roles 'web'");
    expect(await subscribe('ci', ['*', 'web'])).toBe("Not authorized to use roles 'web'");
    expect(await subscribe('ci', ['*'])).toBeInstanceOf(TestFramework);
    expect(await subscribe('web-team', ['web'])).toBeInstanceOf(TestFramework);
    const names = (await cluster.state()).frameworks.map((f) => `${f.principal}:${f.name}`).sort();
    expect(names).toEqual(['ci:test', 'web-team:test']);
  });

  it('run_tasks decides who may run as whom: a task as an unallowed user fails TASK_ERROR with REASON_TASK_UNAUTHORIZED and launches nothing', async () => {
    const web = (await subscribe('web-team', ['web'], 'nobody', true)) as TestFramework;
    let offer = await web.nextOffer();
    web.driver.launch([offer.id!.value], [taskInfo(offer, { id: 'as-root', command: 'touch escaped', cpus: 0.1, mem: 32, user: 'root' })]);
    const refused = await web.waitForState('as-root', 'TASK_ERROR');
    expect([refused.reason, refused.message]).toEqual(['REASON_TASK_UNAUTHORIZED', "Not authorized to launch as user 'root'"]);
    offer = await web.nextOffer();
    web.driver.launch([offer.id!.value], [taskInfo(offer, { id: 'as-nobody', command: 'true', cpus: 0.1, mem: 32 })]);
    await web.waitForState('as-nobody', 'TASK_FINISHED');
    expect(web.states('as-root')).toEqual(['TASK_ERROR']);
    const state = await cluster.state();
    expect(state.frameworks.flatMap((f) => [...f.tasks, ...f.completed_tasks]).map((t) => t.id)).not.toContain('as-root');
  });

  it('an agent whose principal lacks register_agents is refused and never joins', async () => {
    const intruder = ServiceProcess.start('agent-ops', BINS.agent, ['--master', cluster.masterAddress, '--ip', '127.0.0.1', '--port', '0', '--hostname', '127.0.0.1', '--work-dir', path.join(dir.path, 'intruder'), '--resources', 'cpus:1;mem:256', ...security, '--credential', files.opsAgent]);
    try {
      await waitFor(() => intruder.logs.find((l) => l.msg === 'cannot reach the leading master' && String(l.err).includes('Not authorized to register agents')), { what: 'the agent refused', timeoutMs: 15_000 });
    } finally {
      await intruder.stop();
    }
    expect((await cluster.state()).slaves).toHaveLength(1);
  });

  it('weights, quota, reservations and teardown: 403 without the ACL and nothing changes; the operator may', async () => {
    const snapshot = async () => ({
      weights: await (await master('GET', '/weights', 'ops')).json(),
      quota: await (await master('GET', '/quota', 'ops')).json(),
      reserved: (await cluster.state()).slaves.map((s) => (s as unknown as { reserved_resources: unknown }).reserved_resources),
      frameworks: (await cluster.state()).frameworks.map((f) => f.id).sort(),
    });
    const before = await snapshot();
    const agentId = (await cluster.state()).slaves[0]!.id;
    const reservation = new URLSearchParams({ slaveId: agentId, resources: JSON.stringify([{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: [{ type: 'DYNAMIC', role: 'web', principal: 'ops' }] }]) }).toString();
    const form = 'application/x-www-form-urlencoded';
    const ci = (await cluster.state()).frameworks.find((f) => f.principal === 'ci')!.id;
    const calls: [string, string, string | undefined, string?][] = [
      ['PUT', '/weights', JSON.stringify([{ role: 'web', weight: 3 }])],
      ['POST', '/quota', JSON.stringify({ role: 'web', guarantee: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }] })],
      ['POST', '/master/reserve', reservation, form],
      ['POST', '/master/teardown', new URLSearchParams({ frameworkId: ci }).toString(), form],
    ];
    for (const [method, p, body, type] of calls) {
      const r = await master(method, p, 'web-team', body, type);
      expect([p, r.status, ((await r.json()) as { message: string }).message]).toEqual([p, 403, expect.stringMatching(/^Not authorized to /)]);
    }
    expect(await snapshot()).toEqual(before);
    for (const [method, p, body, type] of calls) expect([p, (await master(method, p, 'ops', body, type)).status]).toEqual([p, p === '/master/reserve' ? 202 : 200]);
    const after = await snapshot();
    expect(after.weights).toEqual(expect.arrayContaining([{ role: 'web', weight: 3 }]));
    expect(after.frameworks).not.toContain(ci);
    // The ops reservation can be given back by ops; a principal without unreserve_resources cannot.
    expect((await master('POST', '/master/unreserve', 'web-team', reservation, form)).status).toBe(403);
    expect((await master('POST', '/master/unreserve', 'ops', reservation, form)).status).toBe(202);
  });
});
