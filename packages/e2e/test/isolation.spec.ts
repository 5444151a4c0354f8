import { readFileSync } from 'node:fs';
import { waitFor } from '@strata/lib/testing';
import { taskInfo } from '@strata/sdk';
import { LocalCluster, TestFramework, pidsOfTask } from '../src';

jest.setTimeout(60_000);

// cgroups need root. In CI a machine without them is a failure, never a silent skip.
const root = process.getuid?.() === 0;
if (!root && process.env.CI === 'true') throw new Error('isolation tests need root for cgroups, and CI=true forbids skipping them');
const describeRoot = root ? describe : describe.skip;

/** CPU seconds (user + system) used so far by a set of processes. */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // exited
    }
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

function cgroupFile(pid: number, controller: string, file: string): string {
  const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.split(':')[1]?.split(',').includes(controller))!;
  return readFileSync(`/sys/fs/cgroup/${controller}${line.split(':')[2]}/${file}`, 'utf8').trim();
}

describeRoot('cgroups isolation of process tasks', () => {
  let cluster: LocalCluster;
  let f: TestFramework;
  beforeAll(async () => {
    cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:2;mem:2048;ports:[31000-31100]', agentArgs: ['--cgroups-enable-cfs'] });
    f = await TestFramework.subscribe(cluster.masterAddress);
  });
  afterAll(async () => {
    f?.close();
    await cluster?.stop();
  });

  it('says so in the agent state', async () => {
    const port = (cluster.agents[0]!.logs.find((l) => l.msg === 'agent listening') as { port: number; isolation: string });
    expect(port.isolation).toBe('cgroups/v1 (cpu, memory, cfs quota)');
  });

  it('ends a task that allocates beyond its memory limit with REASON_CONTAINER_LIMITATION_MEMORY', async () => {
    const o = await f.nextOffer();
    const hog = `${process.execPath} -e "const a=[];setInterval(()=>a.push(Buffer.alloc(8<<20,1)),2)"`;
    f.driver.launch([o.id!.value], [
      taskInfo(o, { id: 'hog', command: hog, cpus: 0.5, mem: 96 }),
      taskInfo(o, { id: 'modest', command: `${process.execPath} -e "const b=Buffer.alloc(16<<20,1); console.log(b.length)"`, cpus: 0.5, mem: 96 }),
    ], { refuseSeconds: 0 });
    await f.waitForState('hog', 'TASK_RUNNING');
    const s = await f.waitForState('hog', 'TASK_FAILED', 20_000);
    expect(s.reason).toBe('REASON_CONTAINER_LIMITATION_MEMORY');
    expect(s.message).toMatch(/^Memory limit exceeded: Requested: 96MB Maximum Used: \d+MB$/);
    await f.waitForState('modest', 'TASK_FINISHED');
  });

  it('holds a task with cpus 0.2 near 20% of a core with the CFS quota on', async () => {
    const o = await f.nextOffer();
    f.driver.launch([o.id!.value], [taskInfo(o, { id: 'spin', command: 'while :; do :; done', cpus: 0.2, mem: 32 })], { refuseSeconds: 0 });
    await f.waitForState('spin', 'TASK_RUNNING');
    const pids = await waitFor(() => (pidsOfTask('spin').length >= 2 ? pidsOfTask('spin') : undefined), { what: 'spinning processes' });
    expect(cgroupFile(pids[0]!, 'cpu', 'cpu.cfs_quota_us')).toBe('20000');
    expect(cgroupFile(pids[0]!, 'cpu', 'cpu.shares')).toBe('205');
    expect(cgroupFile(pids[0]!, 'memory', 'memory.limit_in_bytes')).toBe(String(32 * 1024 * 1024));
    const c0 = cpuSeconds(pids);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 3_000)); // measuring a rate over a window: the wait is the measurement
    const share = (cpuSeconds(pids) - c0) / ((Date.now() - t0) / 1000);
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.3);
    f.driver.kill('spin');
    await f.waitForState('spin', 'TASK_KILLED');
  });
});
