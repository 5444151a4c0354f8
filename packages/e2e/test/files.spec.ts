import { taskInfo } from '@strata/sdk';
import { LocalCluster, TestFramework, strata } from '../src';

jest.setTimeout(60_000);

describe('sandbox files and strata logs', () => {
  let cluster: LocalCluster;
  let f: TestFramework;
  let agentHttp: string;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1 });
    agentHttp = `127.0.0.1:${(cluster.agents[0]!.logs.find((l) => l.msg === 'agent listening') as { port: number }).port}`;
    f = await TestFramework.subscribe(cluster.masterAddress);
    const o = await f.nextOffer();
    f.driver.launch([o.id!.value], [
      taskInfo(o, { id: 'writer', command: 'echo line-1; echo oops >&2; ln -s /etc/passwd leak; ln -s .. up; echo line-2', cpus: 0.1, mem: 32 }),
      taskInfo(o, { id: 'slow', command: 'for i in 1 2 3; do echo tick-$i; sleep 0.4; done', cpus: 0.1, mem: 32 }),
    ]);
    await f.waitForState('writer', 'TASK_FINISHED');
  });
  afterAll(async () => {
    f?.close();
    await cluster?.stop();
  });

  const get = async (path: string) => {
    const r = await fetch(`http://${agentHttp}${path}`);
    return { status: r.status, body: (await r.json()) as any };
  };

  it('browses and reads a sandbox the Mesos way', async () => {
    const fw = f.driver.frameworkId!;
    const list = await get(`/files/browse?path=${encodeURIComponent(`${fw}/writer`)}`);
    expect(list.status).toBe(200);
    expect(list.body.map((e: { path: string }) => e.path.split('/').pop()).sort()).toEqual(['leak', 'stderr', 'stdout', 'up']);
    const read = await get(`/files/read?path=${encodeURIComponent(`${fw}/writer/stdout`)}&offset=0`);
    expect(read.body).toEqual({ data: 'line-1\nline-2\n', offset: 0 });
    expect((await get(`/files/read?path=${encodeURIComponent(`${fw}/writer/stdout`)}&offset=-1`)).body).toEqual({ data: '', offset: 14 });
    expect((await get(`/files/read?path=${encodeURIComponent(`${fw}/writer/stdout`)}&offset=7&length=4`)).body).toEqual({ data: 'line', offset: 7 });
  });

  it('refuses every way out of the sandboxes and never reads outside', async () => {
    const fw = f.driver.frameworkId!;
    const attempts: [string, number][] = [
      [`${fw}/writer/../../../../etc/passwd`, 400],
      ['/etc/passwd', 403],
      [`${fw}/writer/leak`, 403],
      [`${fw}/writer/up/../../x`, 400],
      [`${fw}/writer/missing`, 404],
    ];
    for (const [p, code] of attempts) {
      const r = await get(`/files/read?path=${encodeURIComponent(p)}`);
      expect([p, r.status]).toEqual([p, code]);
      expect(JSON.stringify(r.body)).not.toContain('root:');
    }
    const up = await get(`/files/browse?path=${encodeURIComponent(`${fw}/writer/up`)}`); // a link to its own parent: still inside
    expect(up.status).toBe(200);
    expect((await get('/files/read')).status).toBe(400);
  });

  it('strata logs prints stdout, --stderr prints stderr, --follow waits for the end', async () => {
    const out = await strata(['logs', 'writer', '--master', cluster.masterAddress]);
    expect(out.stdout).toBe('line-1\nline-2\n');
    const err = await strata(['logs', 'writer', '--stderr', '--master', cluster.masterAddress]);
    expect(err.stdout).toBe('oops\n');
    const follow = await strata(['logs', 'slow', '--follow', '--master', cluster.masterAddress]);
    expect(follow.stdout).toBe('tick-1\ntick-2\ntick-3\n');
    const unknown = await strata(['logs', 'nope', '--master', cluster.masterAddress]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no task 'nope' is known to the master");
  });
});
