import { spawn } from 'node:child_process';
import { waitFor } from '@strata/lib/testing';
import { BINS, LocalCluster, strata } from '../src';

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

  it('runs several words after -- as an argv, one word as a shell command line', async () => {
    const m = ['--master', cluster.masterAddress];
    const exit3 = await strata(['run', ...m, '--', 'sh', '-c', 'exit 3']);
    expect(exit3.code).toBe(3);
    // `exec sleep 0` as one argument: joined into one shell string it would run `exec` alone.
    const execd = await strata(['run', '-q', ...m, '--', 'sh', '-c', 'exec echo "a  b"']);
    expect([execd.code, execd.stdout]).toEqual([0, 'a  b\n']);
    const words = await strata(['run', '-q', ...m, '--', 'printf', '%s|', 'one two', "it's", '$HOME']);
    expect(words.stdout).toBe("one two|it's|$HOME|");
    const line = await strata(['run', '-q', ...m, '--', 'echo one; echo two >&2; exit 4']);
    expect([line.code, line.stdout, line.stderr]).toEqual([4, 'one\n', 'two\n']);
  });

  it("streams the task's stdout and stderr while it runs; -q leaves only the task's output", async () => {
    const hi = await strata(['run', '--master', cluster.masterAddress, '--', 'sh', '-c', 'echo hi']);
    expect(hi.code).toBe(0);
    expect(hi.stdout).toBe('hi\n');
    expect(hi.stderr).toContain('TASK_FINISHED'); // status lines go to stderr
    const big = await strata(['run', '-q', '--master', cluster.masterAddress, '--', 'i=0; while [ $i -lt 3000 ]; do echo line-$i; i=$((i+1)); done; echo err >&2']);
    const lines = big.stdout.trim().split('\n');
    expect(lines).toHaveLength(3000);
    expect(lines[2999]).toBe('line-2999');
    expect(big.stderr).toBe('err\n');
    // While it runs, not only at the end: the first line arrives while the task still sleeps.
    const child = spawn(process.execPath, [BINS.cli, 'run', '-q', '--master', cluster.masterAddress, '--', 'echo early; sleep 30']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    try {
      await waitFor(() => out === 'early\n', { what: 'the first line while the task runs', timeoutMs: 15_000 });
    } finally {
      child.kill('SIGINT'); // strata run kills its task on Ctrl-C
      await new Promise((r) => child.once('exit', r));
    }
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

  it('strata chaos hands its arguments to the chaos run (help, and a sweep that finds nothing of a live run)', async () => {
    const help = await strata(['chaos', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--seed <n>[\s\S]*--minutes <n>/);
    const clean = await strata(['chaos', '--clean']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^removed /);
    const bad = await strata(['chaos', '--seed', 'x']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("'x' is not a whole number");
  });
});
