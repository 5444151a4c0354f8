import { cgroupV1Values, cgroupV2Values, oomKillCount, ownCgroup } from './cgroup-values';

describe('cgroup values', () => {
  it('maps cpus to shares (1024 per cpu, at least 2) and mem to bytes', () => {
    expect(cgroupV1Values({ cpus: 0.5, memMb: 64 }, false)).toEqual({ cpu: { 'cpu.shares': '512' }, memory: { 'memory.limit_in_bytes': String(64 * 1024 * 1024) } });
    expect(cgroupV1Values({ cpus: 0.001, memMb: 1 }, false).cpu['cpu.shares']).toBe('2');
  });

  it('adds a CFS quota of cpus x 100 ms per 100 ms period when asked, with a 1 ms floor', () => {
    expect(cgroupV1Values({ cpus: 0.2, memMb: 32 }, true).cpu).toEqual({ 'cpu.shares': '205', 'cpu.cfs_period_us': '100000', 'cpu.cfs_quota_us': '20000' });
    expect(cgroupV1Values({ cpus: 0.001, memMb: 32 }, true).cpu['cpu.cfs_quota_us']).toBe('1000');
  });

  it('maps to cgroup v2 files', () => {
    expect(cgroupV2Values({ cpus: 1, memMb: 128 }, true)).toEqual({ 'cpu.weight': '40', 'memory.max': String(128 * 1024 * 1024), 'cpu.max': '100000 100000' });
    expect(cgroupV2Values({ cpus: 1, memMb: 1 }, false)['cpu.max']).toBeUndefined();
  });

  it('reads the oom_kill counter, not failcnt', () => {
    expect(oomKillCount('oom_kill_disable 0\nunder_oom 0\noom_kill 1\n')).toBe(1);
    expect(oomKillCount('low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\n')).toBe(0);
    expect(oomKillCount('')).toBe(0);
  });

  it("finds this process's cgroup per controller", () => {
    const text = '9:name=systemd:/\n4:memory:/process_api/abc\n2:cpuacct:/\n1:cpu:/x\n0::/';
    expect(ownCgroup(text, 'memory')).toBe('/process_api/abc');
    expect(ownCgroup(text, 'cpu')).toBe('/x');
    expect(ownCgroup('3:cpu,cpuacct:/y', 'cpu')).toBe('/y');
    expect(ownCgroup(text, 'pids')).toBeUndefined();
  });
});
