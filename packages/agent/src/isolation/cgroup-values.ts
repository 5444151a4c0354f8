import type { Limits } from './isolator';

/** Mesos's CPU_SHARES_PER_CPU and MIN_CPU_SHARES; CFS period 100 ms with a 1 ms floor on the quota. */
export const CPU_SHARES_PER_CPU = 1024;
export const MIN_CPU_SHARES = 2;
export const CFS_PERIOD_US = 100_000;
export const MIN_CFS_QUOTA_US = 1_000;

/** The control files to write for a container's limits. Pure: the I/O is the isolator's. */
export function cgroupV1Values(limits: Limits, cfs: boolean): { cpu: Record<string, string>; memory: Record<string, string> } {
  const cpu: Record<string, string> = { 'cpu.shares': String(Math.max(MIN_CPU_SHARES, Math.round(CPU_SHARES_PER_CPU * limits.cpus))) };
  if (cfs) {
    cpu['cpu.cfs_period_us'] = String(CFS_PERIOD_US);
    cpu['cpu.cfs_quota_us'] = String(Math.max(MIN_CFS_QUOTA_US, Math.round(CFS_PERIOD_US * limits.cpus)));
  }
  return { cpu, memory: { 'memory.limit_in_bytes': String(Math.round(limits.memMb * 1024 * 1024)) } };
}

/** cgroup v2: cpu.weight is 1..10000 (shares 1024 -> weight 100, the systemd mapping), cpu.max "quota period", memory.max. */
export function cgroupV2Values(limits: Limits, cfs: boolean): Record<string, string> {
  const shares = Math.max(MIN_CPU_SHARES, Math.round(CPU_SHARES_PER_CPU * limits.cpus));
  const weight = Math.min(10_000, Math.max(1, Math.round(1 + ((shares - 2) * 9_999) / 262_142)));
  const out: Record<string, string> = { 'cpu.weight': String(weight), 'memory.max': String(Math.round(limits.memMb * 1024 * 1024)) };
  if (cfs) out['cpu.max'] = `${Math.max(MIN_CFS_QUOTA_US, Math.round(CFS_PERIOD_US * limits.cpus))} ${CFS_PERIOD_US}`;
  return out;
}

/** Parses `memory.oom_control` (v1) or `memory.events` (v2) for the oom_kill counter. */
export function oomKillCount(text: string): number {
  const m = /^oom_kill (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/** Where this process sits in a v1 hierarchy, from /proc/self/cgroup ("4:memory:/a/b" -> "/a/b"). */
export function ownCgroup(procSelfCgroup: string, controller: string): string | undefined {
  for (const line of procSelfCgroup.split('\n')) {
    const [, controllers, p] = line.split(':');
    if (controllers !== undefined && p !== undefined && controllers.split(',').includes(controller)) return p;
  }
  return undefined;
}
