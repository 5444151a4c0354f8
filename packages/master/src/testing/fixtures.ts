import type { AgentInfo, FrameworkInfo, TaskStateName } from '@strata/proto';

/** Fixtures the harness specs share: an agent of 4 cpus and 4 GiB, a partition-aware framework, a reported task. */
export const agentInfo = (id?: string, cpus = 4): AgentInfo => ({
  hostname: 'a1',
  port: 5051,
  resources: [
    { name: 'cpus', type: 'SCALAR', scalar: { value: cpus } },
    { name: 'mem', type: 'SCALAR', scalar: { value: 4096 } },
  ],
  ...(id ? { id: { value: id } } : {}),
});

export const framework = (id?: string, extra: Partial<FrameworkInfo> = {}): FrameworkInfo => ({
  name: 'fw',
  user: 'root',
  failoverTimeout: 3600,
  capabilities: [{ type: 'PARTITION_AWARE' }],
  ...(id ? { id: { value: id } } : {}),
  ...extra,
});

export const reportedTask = (frameworkId: string, agentId: string, id: string, state: TaskStateName = 'TASK_RUNNING') => ({
  frameworkId: { value: frameworkId },
  state,
  taskInfo: { name: id, taskId: { value: id }, agentId: { value: agentId }, resources: [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value: 1 } }], command: { value: 'sleep 1000', shell: true } },
});
