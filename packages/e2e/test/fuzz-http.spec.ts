import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { authorizationFor, generateTokenKeys } from '@strata/lib';
import { tmpDir, waitFor } from '@strata/lib/testing';
import { BINS, ChronosProcess, LocalCluster, MarathonProcess, ServiceProcess } from '../src';
import { fuzzService, type FuzzReport, type FuzzTarget } from '../src/fuzz/http-fuzzer';

/** Cases per route and method: 200 in CI (the issue's floor); FUZZ_RUNS to go further. */
const RUNS = Number(process.env.FUZZ_RUNS || 200);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
jest.setTimeout(40 * 60_000);

/**
 * Property-based fuzzing (fast-check) of every REST route of every service, the list read from
 * each one's /help (so a new route is fuzzed without anyone remembering to): hostile path
 * parameters, query strings, headers, and bodies (random JSON, valid bodies with a field
 * mutated, deep nesting, non-JSON). Each case must be answered below 500, a refused write must
 * leave the state as it was, and the process must be up after every route.
 */
describe('fuzzing every route of every service', () => {
  const dir = tmpDir('strata-fuzz-');
  const keys = generateTokenKeys();
  const files = { credentials: path.join(dir.path, 'credentials'), publicKey: path.join(dir.path, 'token.pub'), privateKey: path.join(dir.path, 'token.key'), credential: path.join(dir.path, 'ops.credential'), secret: path.join(dir.path, 'ops.secret') };
  writeFileSync(files.credentials, 'ops ops-secret');
  writeFileSync(files.publicKey, keys.publicKey);
  writeFileSync(files.privateKey, keys.privateKey);
  writeFileSync(files.credential, 'ops ops-secret');
  writeFileSync(files.secret, 'ops-secret');
  const ops = authorizationFor({ kind: 'basic', principal: 'ops', secret: 'ops-secret' });
  const flags = ['--authenticate', '--credentials', files.credentials, '--token-public-key', files.publicKey];

  let cluster: LocalCluster;
  let marathon: MarathonProcess;
  let chronos: ChronosProcess;
  let gateway: ServiceProcess;
  const reports: FuzzReport[] = [];
  const bases: Record<string, string> = {};

  const json = async (url: string) => {
    const r = await fetch(url, { headers: { authorization: ops } });
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return r.json() as Promise<any>;
  };
  const alive = (base: string) => () => fetch(`${base}/health`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.ok, () => false);

  beforeAll(async () => {
    // Small resources: apps a mutated body happens to create launch a few tasks, not hundreds.
    cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:0.5;mem:256;disk:256;ports:[31000-31010]', masterArgs: flags, agentArgs: [...flags, '--credential', files.credential], authorization: ops });
    const frameworkFlags = [...flags, '--mesos-authentication-principal', 'ops', '--mesos-authentication-secret-file', files.secret];
    marathon = await MarathonProcess.start(cluster, frameworkFlags);
    marathon.authorization = ops;
    chronos = await ChronosProcess.start(cluster, frameworkFlags);
    chronos.authorization = ops;
    bases.master = `http://${cluster.masterAddress}`;
    const agent = (await cluster.state()).slaves[0]!;
    bases.agent = `http://${agent.hostname}:${agent.port}`;
    bases.marathon = marathon.base;
    bases.chronos = chronos.base.replace(/\/v1\/scheduler$/, '');
    gateway = ServiceProcess.start('gateway', BINS.gateway, ['--port', '0', '--http-address', '127.0.0.1', '--master', cluster.masterAddress, '--marathon', bases.marathon, '--chronos', bases.chronos, ...flags, '--token-private-key', files.privateKey, '--credential', files.credential]);
    bases.gateway = `http://127.0.0.1:${(await gateway.waitForLog('gateway listening')).port}`;
    await waitFor(async () => (await marathon.call('GET', '/v2/info')).body?.frameworkId, { what: 'Marathon subscribed', timeoutMs: 30_000 });
    // Something to find: handlers get past their lookups when a path names what exists.
    expect((await marathon.call('POST', '/v2/apps', { id: '/fuzz/app', cmd: 'sleep 100000', cpus: 0.01, mem: 16, instances: 1 })).status).toBe(201);
    expect((await chronos.call('POST', '/iso8601', { name: 'fuzz-job', command: 'true', schedule: 'R/2030-01-01T00:00:00Z/P1D', cpus: 0.01, mem: 16 })).status).toBe(204);
  });
  afterAll(async () => {
    for (const r of reports) process.stdout.write(`fuzz ${r.service}: ${r.routes} routes, ${r.cases} cases, statuses ${JSON.stringify(r.statuses)}${r.skipped.length ? `, skipped: ${r.skipped.join('; ')}` : ''}\n`);
    await gateway?.stop();
    await chronos?.stop();
    await marathon?.stop();
    await cluster?.stop();
    dir.remove();
  });

  const app = { id: '/fuzz/new', cmd: 'sleep 100000', cpus: 0.01, mem: 16, instances: 1, env: { A: 'b' }, labels: { team: 'a' }, upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 }, constraints: [['hostname', 'UNIQUE']] };
  const job = { name: 'fuzz-new', command: 'true', schedule: 'R/2030-01-01T00:00:00Z/PT1H', epsilon: 'PT30S', cpus: 0.01, mem: 16, owner: 'a@b.c', retries: 1 };
  const resources = [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, reservations: [{ type: 'DYNAMIC', role: 'web', principal: 'ops' }] }];

  const targets = (): FuzzTarget[] => [
    {
      name: 'master',
      base: bases.master!,
      authorization: ops,
      known: ['web', '*'],
      bodies: {
        '/weights': [[{ role: 'web', weight: 2 }]],
        '/quota': [{ role: 'web', guarantee: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }] }],
        '*': [{ slaveId: 'S-unknown', resources }, { frameworkId: 'not-a-framework' }],
      },
      snapshot: async () => {
        const state = await json(`${bases.master}/master/state`);
        return { weights: await json(`${bases.master}/weights`), quota: await json(`${bases.master}/quota`), reserved: state.slaves.map((s: any) => s.reserved_resources_full), frameworks: state.frameworks.map((f: any) => f.id).sort() };
      },
      alive: alive(bases.master!),
    },
    { name: 'agent', base: bases.agent!, authorization: ops, known: [], bodies: {}, snapshot: async () => (await json(`${bases.agent}/state`)).frameworks.length, alive: alive(bases.agent!) },
    {
      name: 'marathon',
      base: bases.marathon!,
      authorization: ops,
      known: ['fuzz', 'app', 'fuzz/app'],
      bodies: { '*': [app, [app], { id: '/fuzz/g', apps: [app] }, { instances: 2 }, { id: '/fuzz/new', cmd: 'true' }] },
      snapshot: async () => ({
        apps: ((await json(`${bases.marathon}/v2/apps`)).apps as any[]).map((a) => `${a.id}@${a.version}`).sort(),
        groups: JSON.stringify(await json(`${bases.marathon}/v2/groups?embed=group.groups`), ['id', 'version', 'groups']),
      }),
      skip: { 'DELETE /v2/leader': 'abdicates on purpose (the lone instance would stand down and be elected again); the HA tests cover it' },
      alive: alive(bases.marathon!),
    },
    {
      name: 'chronos',
      base: bases.chronos!,
      authorization: ops,
      known: ['fuzz-job', 'fuzz-new'],
      bodies: { '*': [job, { ...job, parents: ['fuzz-job'], schedule: undefined }, { ...job, schedule: '*/5 * * * *' }] },
      // What a write sets: a schedule's repetitions and start, and `disabled` once they run out, move on their own.
      snapshot: async () =>
        ((await json(`${bases.chronos}/v1/scheduler/jobs`)) as any[]).map((j) => JSON.stringify({ name: j.name, command: j.command, period: String(j.schedule ?? '').split('/')[2] ?? null, parents: j.parents, cpus: j.cpus, mem: j.mem, owner: j.owner })).sort(),
      alive: alive(bases.chronos!),
    },
  ];
  /**
   * The gateway's own routes and every prefix it proxies, into the services above: their state is
   * its state. Three reads a case (most cases are writes), not the upstreams' full snapshots: the
   * definitions a proxied write could change, and the master's weights and quota.
   */
  const gatewayTarget = (): FuzzTarget => {
    const upstream = [
      { snapshot: async () => ({ weights: await json(`${bases.master}/weights`), quota: await json(`${bases.master}/quota`) }) },
      { snapshot: async () => ((await json(`${bases.marathon}/v2/apps`)).apps as any[]).map((a) => `${a.id}@${a.version}`).sort() },
      targets().find((t) => t.name === 'chronos')!,
    ];
    return {
      name: 'gateway',
      base: bases.gateway!,
      authorization: ops,
      known: ['v2/apps', 'v2/apps/fuzz/app', 'v2/groups', 'v1/scheduler/jobs', 'v1/scheduler/iso8601', 'scheduler/job/fuzz-job', 'master/state', 'weights', 'quota', 'files/read', 'marathon', 'chronos', 'S-unknown'],
      bodies: { '*': [{ uid: 'ops', password: 'x' }, app, job, [{ role: 'web', weight: 2 }]] },
      snapshot: async () => Promise.all(upstream.map((t) => t.snapshot())),
      alive: alive(bases.gateway!),
    };
  };

  it.each(['master', 'agent', 'marathon', 'chronos', 'gateway'])(`%s: ${RUNS} cases per route, no 5xx, no hang, no partial write, still up`, async (name) => {
    const target = name === 'gateway' ? gatewayTarget() : targets().find((t) => t.name === name)!;
    const report = await fuzzService(target, { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) });
    reports.push(report);
    expect(report.failures).toEqual([]);
    expect(report.routes).toBeGreaterThan(name === 'marathon' ? 20 : 0);
    expect(report.cases).toBeGreaterThanOrEqual(report.routes * RUNS);
  });
});
