import { LocalCluster, strata } from '../src';

jest.setTimeout(60_000);

describe('strata CLI against a real cluster', () => {
  let cluster: LocalCluster;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1 });
  });
  afterAll(async () => cluster?.stop());

  it('strata run prints state changes and exits with the task exit code', async () => {
    const ok = await strata(['run', '--master', cluster.masterAddress, '--', 'echo', 'hello']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('TASK_RUNNING');
    expect(ok.stderr).toContain('TASK_FINISHED');
    const failed = await strata(['run', '--master', cluster.masterAddress, '--cpus', '0.2', '--', 'exit 7']);
    expect(failed.code).toBe(7);
    expect(failed.stderr).toContain('TASK_FAILED: Command exited with status 7');
  });

  it('strata agents and strata tasks print tables from the master state', async () => {
    await strata(['run', '-q', '--name', 'listed', '--master', cluster.masterAddress, '--', 'true']);
    const agents = await strata(['agents'], { STRATA_MASTER: cluster.masterAddress });
    expect(agents.code).toBe(0);
    expect(agents.stdout).toMatch(/^ID\s+ADDRESS\s+STATE\s+CPUS/);
    expect(agents.stdout).toContain('active');
    const tasks = await strata(['tasks', '--all', '--master', cluster.masterAddress]);
    expect(tasks.stdout).toMatch(/listed\.\S+\s+TASK_FINISHED/);
  });

  it('strata reserve / unreserve change an agent\'s dynamic reservations; strata roles lists roles', async () => {
    const agentId = (await cluster.state()).slaves[0]!.id;
    const reserved = async () => ((await (await fetch(`http://${cluster.masterAddress}/master/state`)).json()) as { slaves: { reserved_resources: Record<string, { cpus: number }> }[] }).slaves[0]!.reserved_resources;
    const ok = await strata(['reserve', agentId, 'cpus(web):1;mem(web):64', '--master', cluster.masterAddress]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('reserved cpus:1;mem:64 for role web');
    expect((await reserved()).web).toMatchObject({ cpus: 1, mem: 64 });
    // Refusals carry the master's reason; a role is required.
    const tooMuch = await strata(['unreserve', agentId, 'cpus(web):5', '--master', cluster.masterAddress]);
    expect(tooMuch.code).toBe(1);
    expect(tooMuch.stderr).toContain('the master refused (409)');
    const noRole = await strata(['reserve', agentId, 'cpus:1', '--master', cluster.masterAddress]);
    expect(noRole.stderr).toContain('give every resource a role');
    const roles = await strata(['roles', '--master', cluster.masterAddress]);
    expect(roles.stdout).toMatch(/^ROLE\s+WEIGHT\s+SHARE/);
    expect((await strata(['unreserve', agentId, 'cpus(web):1;mem(web):64', '--master', cluster.masterAddress])).code).toBe(0);
    expect(await reserved()).toEqual({});
  });

  it('explains an unreachable master', async () => {
    const r = await strata(['agents', '--master', '127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach the master at 127.0.0.1:1');
  });
});
