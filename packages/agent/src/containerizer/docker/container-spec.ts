import type Docker from 'dockerode';
import { res, type Resources } from '@strata/lib';
import type { TaskInfo__Output } from '@strata/proto';

/** Where the sandbox appears inside a container, as in Mesos's Docker containerizer. */
export const CONTAINER_SANDBOX = '/mnt/mesos/sandbox';

export const LABELS = {
  agent: 'strata.agent',
  frameworkId: 'strata.framework_id',
  taskId: 'strata.task_id',
  agentId: 'strata.agent_id',
  containerId: 'strata.container_id',
} as const;

export class ContainerSpecError extends Error {}

/**
 * Turns a DOCKER TaskInfo into the engine's create options. Pure: no engine calls.
 * Cpu shares and memory come from the task's resources (Mesos: 1024 per cpu), ports from the
 * offer (HOST: the task listens on PORT0..n itself; BRIDGE: host port -> container port),
 * volumes as binds, the sandbox at /mnt/mesos/sandbox, labels that name the task, its framework
 * and this agent, so a restarted agent finds its containers.
 */
export function containerSpec(input: {
  name: string;
  agentKey: string;
  agentId: string;
  frameworkId: string;
  taskId: string;
  containerId: string;
  task: TaskInfo__Output;
  resources: Resources;
  env: Record<string, string>;
  sandbox: string;
  /** The task's user (--switch_user), as uid:gid: the image need not know the name, and the sandbox is owned by these ids. */
  user?: { uid: number; gid: number };
}): Docker.ContainerCreateOptions {
  const container = input.task.container;
  const docker = container?.docker;
  if (!docker?.image) throw new ContainerSpecError('A DOCKER task needs container.docker.image');
  const command = input.task.command;
  let cmd: string[] | undefined;
  if (command && (command.shell ?? true) && command.value) cmd = ['/bin/sh', '-c', command.value];
  else if (command && !(command.shell ?? true)) cmd = command.value ? [command.value, ...command.arguments] : command.arguments.length ? [...command.arguments] : undefined;

  const network = docker.network === 'BRIDGE' ? 'bridge' : docker.network === 'NONE' ? 'none' : docker.network === 'USER' ? undefined : 'host';
  if (network === undefined) throw new ContainerSpecError('USER networks are not supported: use HOST, BRIDGE or NONE');
  const offeredPorts = new Set(res.rangeValues(input.resources.ranges.ports));
  const portBindings: Record<string, { HostPort: string }[]> = {};
  const exposed: Record<string, object> = {};
  for (const m of docker.portMappings) {
    if (network !== 'bridge') throw new ContainerSpecError('port_mappings need BRIDGE networking');
    if (!offeredPorts.has(m.hostPort)) throw new ContainerSpecError(`host port ${m.hostPort} is not among the task's ports resources`);
    const key = `${m.containerPort}/${(m.protocol || 'tcp').toLowerCase()}`;
    exposed[key] = {};
    (portBindings[key] ??= []).push({ HostPort: String(m.hostPort) });
  }
  const binds = [`${input.sandbox}:${CONTAINER_SANDBOX}:rw`];
  for (const v of container?.volumes ?? []) {
    // A secret is a file the agent wrote into the sandbox, which is mounted already.
    if (v.source?.type === 'SECRET') continue;
    if (!v.hostPath || !v.containerPath) throw new ContainerSpecError('volumes need host_path and container_path');
    if (!v.containerPath.startsWith('/')) throw new ContainerSpecError(`volume container_path '${v.containerPath}' must be absolute`);
    binds.push(`${v.hostPath}:${v.containerPath}:${v.mode === 'RO' ? 'ro' : 'rw'}`);
  }
  const cpus = res.scalar(input.resources, 'cpus');
  const memBytes = Math.round(res.scalar(input.resources, 'mem') * 1024 * 1024);
  const labels: Record<string, string> = {};
  for (const l of input.task.labels?.labels ?? []) labels[l.key] = l.value;
  Object.assign(labels, {
    [LABELS.agent]: input.agentKey,
    [LABELS.agentId]: input.agentId,
    [LABELS.frameworkId]: input.frameworkId,
    [LABELS.taskId]: input.taskId,
    [LABELS.containerId]: input.containerId,
  });
  const env = { ...input.env, MESOS_SANDBOX: CONTAINER_SANDBOX, STRATA_SANDBOX: CONTAINER_SANDBOX, HOME: CONTAINER_SANDBOX };
  return {
    name: input.name,
    Image: docker.image,
    ...(cmd ? { Cmd: cmd } : {}),
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: labels,
    ...(input.user ? { User: `${input.user.uid}:${input.user.gid}` } : {}),
    ...(container?.hostname && network !== 'host' ? { Hostname: container.hostname } : {}),
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    HostConfig: {
      NetworkMode: network,
      CpuShares: Math.max(2, Math.round(cpus * 1024)),
      ...(memBytes > 0 ? { Memory: memBytes, MemorySwap: memBytes } : {}),
      Binds: binds,
      ...(Object.keys(portBindings).length ? { PortBindings: portBindings } : {}),
      Privileged: docker.privileged,
    },
  };
}
