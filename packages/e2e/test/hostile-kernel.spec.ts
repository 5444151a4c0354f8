import { taskInfo } from '@strata/sdk';
import { LocalCluster, TestFramework, deepJson, refused } from '../src';

jest.setTimeout(90_000);

/**
 * The master's and the agent's bad-input suite: operator endpoints with roles and weights Mesos
 * refuses, frameworks with invalid roles, and sandbox files that are not plain files of the
 * sandbox (FIFOs, hard links to the host), plus malformed query strings.
 */
describe('master and agent refuse hostile input', () => {
  let cluster: LocalCluster;
  let f: TestFramework;
  let master = '';
  let agentHttp = '';

  const json = async (r: Response) => {
    const text = await r.text();
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return text;
    }
  };
  const call = async (base: string, method: string, p: string, body?: unknown) => {
    const r = await fetch(`http://${base}${p}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: r.status, body: await json(r), headers: r.headers };
  };
  const masterSnapshot = async () => ({
    weights: (await call(master, 'GET', '/weights')).body,
    quota: (await call(master, 'GET', '/quota')).body,
    frameworks: (await cluster.state()).frameworks.map((x) => x.id).sort(),
  });
  const masterAlive = async () => !cluster.master.exit && (await call(master, 'GET', '/master/health')).status === 200;
  const refuseMaster = (status: number, send: () => Promise<{ status: number; body: any }>) => refused({ send, status, snapshot: masterSnapshot, alive: masterAlive });

  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, masterArgs: ['--allocator', 'hierarchical'] });
    master = cluster.masterAddress;
    agentHttp = `127.0.0.1:${(cluster.agents[0]!.logs.find((l) => l.msg === 'agent listening') as { port: number }).port}`;
    expect((await call(master, 'PUT', '/weights', [{ role: 'web', weight: 2 }])).status).toBe(200);
    f = await TestFramework.subscribe(master);
    const o = await f.nextOffer();
    f.driver.launch([o.id!.value], [taskInfo(o, { id: 'files', command: 'echo hi > plain; mkfifo fifo; ln /etc/passwd hardlink; echo unicode > "r\u00e9sum\u00e9-\u6587.txt"', cpus: 0.1, mem: 32 })]);
    await f.waitForState('files', 'TASK_FINISHED');
  });
  afterAll(async () => {
    f?.close();
    await cluster?.stop();
  });

  it('refuses weights and quota Mesos refuses, and keeps what was set', async () => {
    for (const body of [[{ role: '', weight: 2 }], [{ role: '../x', weight: 2 }], [{ role: 'x'.repeat(5000), weight: 2 }], [{ role: 'a', weight: 1e308 }], [{ role: 'a', weight: -1 }], [{ role: 'a b', weight: 2 }], [{ role: '*', weight: 2 }], { role: 'a', weight: 2 }, [{ role: 'ok', weight: 2 }, { role: '.', weight: 2 }]]) {
      await refuseMaster(400, () => call(master, 'PUT', '/weights', body));
    }
    const cpus = [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }];
    for (const role of ['*', '', '../x', 'a/b', 'x'.repeat(300)]) await refuseMaster(400, () => call(master, 'POST', '/quota', { role, guarantee: cpus }));
    await refuseMaster(400, () => call(master, 'DELETE', '/quota/UNKNOWN'));
    await refuseMaster(400, () => call(master, 'PUT', '/weights', `[${deepJson(10_000)}]`));
    // Weight 1 is the default: it removes the role from /weights, so a weight can be taken back.
    expect((await call(master, 'PUT', '/weights', [{ role: 'web', weight: 1 }])).status).toBe(200);
    expect((await call(master, 'GET', '/weights')).body).toEqual([]);
    expect((await call(master, 'POST', '/quota', { role: 'web', guarantee: cpus })).status).toBe(200);
    expect((await call(master, 'DELETE', '/quota/web')).status).toBe(200);
    await refuseMaster(400, () => call(master, 'DELETE', '/quota/web'));
  });

  it('refuses frameworks and reservations with invalid roles', async () => {
    for (const roles of [['../x'], [''], ['a b'], ['-x']]) {
      const before = await masterSnapshot();
      await expect(TestFramework.subscribe(master, { name: 'bad-role', roles })).rejects.toThrow(/[Rr]ole/);
      expect(await masterSnapshot()).toEqual(before);
    }
    const agentId = (await cluster.state()).slaves[0]!.id;
    const resources = JSON.stringify([{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: [{ type: 'DYNAMIC', role: '../x' }] }]);
    await refuseMaster(400, () => fetch(`http://${master}/master/reserve`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ slaveId: agentId, resources }) }).then(async (r) => ({ status: r.status, body: await json(r) })));
  });

  const sandbox = () => `${f.driver.frameworkId!}/files`;
  const files = (endpoint: string, name: string) => call(agentHttp, 'GET', `/files/${endpoint}?path=${encodeURIComponent(`${sandbox()}/${name}`)}`);

  it('serves only regular files from a sandbox: a FIFO never blocks, and never many at once', async () => {
    expect((await files('read', 'plain')).body).toEqual({ data: 'hi\n', offset: 0 });
    const fifos = await Promise.all(Array.from({ length: 8 }, (_, i) => files(i % 2 ? 'read' : 'download', 'fifo')));
    expect(fifos.map((r) => r.status)).toEqual(Array(8).fill(403));
    expect((await files('read', 'plain')).status).toBe(200);
    const list = (await files('browse', '')).body as { path: string; mode: string }[];
    expect(list.find((e) => e.path.endsWith('/fifo'))).toBeDefined();
  });

  it('never serves a hard link to a file outside the sandbox', async () => {
    for (const endpoint of ['read', 'download']) {
      const r = await files(endpoint, 'hardlink');
      expect(r.status).toBe(403);
      expect(JSON.stringify(r.body)).not.toContain('root:');
    }
  });

  it('answers 400 to repeated path parameters and names any file in Content-Disposition', async () => {
    const p = encodeURIComponent(`${sandbox()}/plain`);
    for (const endpoint of ['read', 'download', 'browse']) expect((await call(agentHttp, 'GET', `/files/${endpoint}?path=${p}&path=${p}`)).status).toBe(400);
    const r = await files('download', 'r\u00e9sum\u00e9-\u6587.txt');
    expect(r.status).toBe(200);
    expect(r.body).toBe('unicode\n');
    const cd = r.headers.get('content-disposition')!;
    expect(cd).toContain(`filename*=UTF-8''${encodeURIComponent('r\u00e9sum\u00e9-\u6587.txt')}`);
    expect(cd).toMatch(/^attachment; filename="[\x20-\x7e]+";/);
    expect(await masterAlive()).toBe(true);
  });
});
