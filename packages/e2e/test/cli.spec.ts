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

  it('explains an unreachable master', async () => {
    const r = await strata(['agents', '--master', '127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach the master at 127.0.0.1:1');
  });
});
