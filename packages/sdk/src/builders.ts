import { res } from '@strata/lib';
import type { ContainerInfo, FrameworkInfo, Offer__Output, TaskInfo } from '@strata/proto';

export { offerResources } from './offers/resources';

export interface TaskSpec {
  id: string;
  name?: string;
  /** Runs with /bin/sh -c. Leave it out (and `args`) to run a Docker image's own command. */
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
  /** SIGTERM-to-SIGKILL grace in ms. */
  killGraceMs?: number;
  labels?: Record<string, string>;
}

/** A command TaskInfo for `offer`, with resources in the offer's role. */
export function taskInfo(offer: Offer__Output, spec: TaskSpec): TaskInfo {
  const scalars: Record<string, number> = { cpus: spec.cpus, mem: spec.mem };
  if (spec.disk) scalars.disk = spec.disk;
  const ranges: Record<string, { begin: number; end: number }[]> = spec.ports?.length ? { ports: spec.ports.map((p) => ({ begin: p, end: p })) } : {};
  const role = offer.allocationInfo?.role || '*';
  const shell = spec.command !== undefined;
  // One literal with every field (absent ones undefined), no spreads: see res.toProto.
  // Mesos's argv convention: `value` is the program, `arguments` the whole argv including it.
  return {
    name: spec.name ?? spec.id,
    taskId: { value: spec.id },
    agentId: offer.agentId ?? undefined,
    resources: res.toProto(res.resources(scalars, ranges), role, { allocatedTo: role }),
    command: {
      value: shell ? spec.command : spec.argv?.[0],
      shell,
      arguments: shell ? undefined : spec.argv ?? spec.args ?? [],
      environment: { variables: Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value })) },
    },
    container: spec.container,
    killPolicy: spec.killGraceMs !== undefined ? { gracePeriod: { nanoseconds: String(Math.round(spec.killGraceMs * 1e6)) } } : undefined,
    labels: spec.labels ? { labels: Object.entries(spec.labels).map(([key, value]) => ({ key, value })) } : undefined,
  };
}

/**
 * `FrameworkInfo.offer_filters` from plain quantities: per role, the offer shapes the framework
 * can use (`{ '*': [{ cpus: 1, mem: 128 }] }`). The master then offers it, on any agent, only
 * what holds one of them whole, instead of sending slivers for it to decline.
 */
export function offerFilters(perRole: Record<string, Record<string, number>[]>): NonNullable<FrameworkInfo['offerFilters']> {
  return Object.fromEntries(
    Object.entries(perRole).map(([role, shapes]) => [
      role,
      { minAllocatableResources: { quantities: shapes.map((q) => ({ quantities: Object.fromEntries(Object.entries(q).map(([k, value]) => [k, { value }])) })) } },
    ]),
  );
}
