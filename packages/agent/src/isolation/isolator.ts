export interface Limits {
  cpus: number;
  memMb: number;
}

/**
 * Mesos's isolator seam: prepare a container's isolation before its process exists, move the
 * gated executor into it, say whether a limit killed it, and clean up after it.
 */
export interface Isolator {
  /** What the agent reports as its isolation, e.g. 'cgroups/v1 (cpu, memory, cfs)'. */
  readonly description: string;
  prepare(containerId: string, limits: Limits): Promise<void>;
  isolate(containerId: string, pid: number): Promise<void>;
  /** True when the memory limit's OOM killer fired in this container. */
  memoryLimitHit(containerId: string): boolean;
  /** Peak memory use in bytes, when known (for the limitation message). */
  peakMemory(containerId: string): number | undefined;
  cleanup(containerId: string): Promise<void>;
}

/** No isolation: tasks share the machine (not root, or no cgroups). Said plainly in /state. */
export const noIsolation: Isolator = {
  description: 'none (process groups only)',
  async prepare() {},
  async isolate() {},
  memoryLimitHit: () => false,
  peakMemory: () => undefined,
  async cleanup() {},
};
