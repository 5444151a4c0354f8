import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';
import type { ContainerInfo, HealthCheck, Offer__Output, TaskInfo } from '@strata/proto';

export interface TaskSpec {
  id: string;
  name?: string;
  /** Runs with /bin/sh -c. Leave it out (and `args`, `argv`) to run a Docker image's own command. */
  command?: string;
  /** Arguments without a shell (for Docker: given to the image's entrypoint). */
  args?: string[];
  /** A program and its arguments, run without a shell (`argv[0]` is the program, as Mesos's CommandInfo with `shell: false`). */
  argv?: string[];
  /** A container to run in, e.g. `{ type: 'DOCKER', docker: { image: 'busybox' } }`. */
  container?: ContainerInfo;
  cpus: number;
  mem: number;
  disk?: number;
  ports?: number[];
  env?: Record<string, string>;
  /** Variables whose values are secrets: name -> the secret's path in the master's store (the master puts the value in). */
  secretEnv?: Record<string, string>;
  /** Fetched into the sandbox before the task starts (Mesos's fetcher). */
  uris?: { value: string; extract?: boolean; executable?: boolean; cache?: boolean }[];
  /** A check the agent runs next to the task (COMMAND, HTTP, TCP). */
  healthCheck?: HealthCheck;
  /** SIGTERM-to-SIGKILL grace in ms. */
  killGraceMs?: number;
  /** The task is killed and fails when it runs longer than this (ms). */
  maxCompletionMs?: number;
  /** Not started after this time (ms since the epoch): a late launch is dropped by the agent (REASON_LAUNCH_DEADLINE_PASSED). */
  launchDeadlineMs?: number;
  labels?: Record<string, string>;
  /** The user the task runs as (CommandInfo.user); absent, the framework's. */
  user?: string;
}

/** Where a task goes: its agent, the role its resources are allocated in, and (exactly) what it takes. */
export interface Placement {
  agentId: string;
  role: string;
  resources: Resources;
}

const ns = (ms: number) => ({ nanoseconds: String(Math.round(ms * 1e6)) });

/**
 * The one TaskInfo builder every framework uses (Marathon, Chronos, the CLI). One literal with
 * every field (absent ones undefined), no spreads: a spread-built object encodes several times
 * slower (see res.toProto). Mesos's argv convention: `value` is the program, `arguments` the
 * whole argv including it; with args only (a Docker entrypoint's), there is no value.
 */
export function buildTaskInfo(spec: TaskSpec, at: Placement): TaskInfo {
  const shell = spec.command !== undefined;
  return {
    name: spec.name ?? spec.id,
    taskId: { value: spec.id },
    agentId: { value: at.agentId },
    resources: res.toProto(at.resources, at.role, { allocatedTo: at.role }),
    command: {
      value: shell ? spec.command : spec.argv?.[0],
      shell,
      arguments: shell ? undefined : spec.argv ?? spec.args ?? [],
      environment: { variables: environmentOf(spec) },
      uris: spec.uris?.map((u) => ({ value: u.value, extract: u.extract, executable: u.executable, cache: u.cache })),
      user: spec.user,
    },
    container: spec.container,
    healthCheck: spec.healthCheck,
    killPolicy: spec.killGraceMs !== undefined ? { gracePeriod: ns(spec.killGraceMs) } : undefined,
    maxCompletionTime: spec.maxCompletionMs !== undefined && spec.maxCompletionMs > 0 ? ns(spec.maxCompletionMs) : undefined,
    labels: spec.labels ? { labels: Object.entries(spec.labels).map(([key, value]) => ({ key, value })) } : undefined,
    launchDeadline: spec.launchDeadlineMs !== undefined ? ns(spec.launchDeadlineMs) : undefined,
  };
}

function environmentOf(spec: TaskSpec): NonNullable<NonNullable<TaskInfo['command']>['environment']>['variables'] {
  const vars: NonNullable<NonNullable<TaskInfo['command']>['environment']>['variables'] = Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value }));
  for (const [name, path] of Object.entries(spec.secretEnv ?? {})) vars!.push({ name, type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: path } } });
  return vars;
}

/** What a spec asks for, as resources: cpus, mem, disk and the named ports. */
export function specResources(spec: Pick<TaskSpec, 'cpus' | 'mem' | 'disk' | 'ports'>): Resources {
  const scalars: Record<string, number> = { cpus: spec.cpus, mem: spec.mem };
  if (spec.disk) scalars.disk = spec.disk;
  const ranges: Record<string, { begin: number; end: number }[]> = spec.ports?.length ? { ports: spec.ports.map((p) => ({ begin: p, end: p })) } : {};
  return res.resources(scalars, ranges);
}

/** A TaskInfo for `offer`: its agent, resources in the offer's role. */
export function taskInfo(offer: Offer__Output, spec: TaskSpec): TaskInfo {
  return buildTaskInfo(spec, { agentId: offer.agentId?.value ?? '', role: offer.allocationInfo?.role || '*', resources: specResources(spec) });
}
