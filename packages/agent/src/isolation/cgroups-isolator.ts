import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '@strata/lib';
import type { Isolator, Limits } from './isolator';
import { cgroupV1Values, cgroupV2Values, oomKillCount, ownCgroup } from './cgroup-values';

const ROOT = '/sys/fs/cgroup';

/**
 * cgroups isolation for process tasks: cpu.shares (and a CFS quota when enabled) and a memory
 * limit per task, nested under the agent's own cgroup so the agent never moves anything out of
 * the cgroup it was given. v1 (each controller its own hierarchy) or v2 (one unified tree).
 */
export class CgroupsIsolator implements Isolator {
  readonly description: string;

  private constructor(
    private readonly version: 1 | 2,
    private readonly bases: { cpu: string; memory: string },
    private readonly cfs: boolean,
    private readonly log: Logger,
  ) {
    this.description = `cgroups/v${version} (cpu, memory${cfs ? ', cfs quota' : ''})`;
  }

  /** Returns an isolator if cgroups can be used here (root, controllers mounted and writable), else undefined and why. */
  static detect(agentName: string, cfs: boolean, log: Logger): { isolator?: CgroupsIsolator; why?: string } {
    if (process.getuid?.() !== 0) return { why: 'not running as root' };
    const self = readFileSync('/proc/self/cgroup', 'utf8');
    const leaf = `strata-${agentName.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
    try {
      if (existsSync(path.join(ROOT, 'cgroup.controllers'))) {
        const own = self.split('\n').find((l) => l.startsWith('0::'))?.slice(3) ?? '/';
        const controllers = readFileSync(path.join(ROOT, 'cgroup.controllers'), 'utf8');
        if (!/\bcpu\b/.test(controllers) || !/\bmemory\b/.test(controllers)) return { why: 'cgroup v2 without cpu and memory controllers' };
        // v2 forbids processes in inner cgroups: tasks live in a sibling tree of the agent's cgroup.
        const base = path.join(ROOT, path.dirname(own), leaf);
        mkdirSync(base, { recursive: true });
        writeFileSync(path.join(base, 'cgroup.subtree_control'), '+cpu +memory');
        return { isolator: new CgroupsIsolator(2, { cpu: base, memory: base }, cfs, log) };
      }
      const cpuOwn = ownCgroup(self, 'cpu');
      const memOwn = ownCgroup(self, 'memory');
      if (cpuOwn === undefined || memOwn === undefined || !existsSync(path.join(ROOT, 'cpu', 'cpu.shares')) || !existsSync(path.join(ROOT, 'memory', 'memory.limit_in_bytes'))) {
        return { why: 'cgroup v1 cpu and memory hierarchies are not mounted' };
      }
      const bases = { cpu: path.join(ROOT, 'cpu', cpuOwn, leaf), memory: path.join(ROOT, 'memory', memOwn, leaf) };
      mkdirSync(bases.cpu, { recursive: true });
      mkdirSync(bases.memory, { recursive: true });
      return { isolator: new CgroupsIsolator(1, bases, cfs, log) };
    } catch (err) {
      return { why: `cgroups are not writable: ${(err as Error).message}` };
    }
  }

  private dirs(id: string): string[] {
    return this.version === 2 ? [path.join(this.bases.cpu, id)] : [path.join(this.bases.cpu, id), path.join(this.bases.memory, id)];
  }

  private memDir(id: string): string {
    return path.join(this.bases.memory, id);
  }

  async prepare(id: string, limits: Limits): Promise<void> {
    for (const d of this.dirs(id)) mkdirSync(d, { recursive: true });
    if (this.version === 2) {
      for (const [file, value] of Object.entries(cgroupV2Values(limits, this.cfs))) writeFileSync(path.join(this.bases.cpu, id, file), value);
      return;
    }
    const v = cgroupV1Values(limits, this.cfs);
    for (const [file, value] of Object.entries(v.cpu)) writeFileSync(path.join(this.bases.cpu, id, file), value);
    for (const [file, value] of Object.entries(v.memory)) writeFileSync(path.join(this.memDir(id), file), value);
  }

  async isolate(id: string, pid: number): Promise<void> {
    for (const d of this.dirs(id)) writeFileSync(path.join(d, 'cgroup.procs'), String(pid));
  }

  memoryLimitHit(id: string): boolean {
    const file = this.version === 2 ? path.join(this.memDir(id), 'memory.events') : path.join(this.memDir(id), 'memory.oom_control');
    try {
      return oomKillCount(readFileSync(file, 'utf8')) > 0;
    } catch {
      return false;
    }
  }

  peakMemory(id: string): number | undefined {
    const file = path.join(this.memDir(id), this.version === 2 ? 'memory.peak' : 'memory.max_usage_in_bytes');
    try {
      return Number(readFileSync(file, 'utf8').trim());
    } catch {
      return undefined;
    }
  }

  /** Kills whatever is left in the container's cgroups and removes them. */
  async cleanup(id: string): Promise<void> {
    for (const d of this.dirs(id)) {
      if (!existsSync(d)) continue;
      for (let attempt = 0; attempt < 50; attempt++) {
        const pids = readFileSync(path.join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
        for (const p of pids) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        try {
          rmdirSync(d);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EBUSY') {
            this.log.warn({ err, cgroup: d }, 'cannot remove cgroup');
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }
  }
}
