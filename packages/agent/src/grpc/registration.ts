import { STRATA_VERSION, res } from '@strata/lib';
import type { FrameworkInfo__Output } from '@strata/proto';
import type { AgentConfig } from '../config';
import type { TaskRecord } from '../tasks/task-record';

/** What the agent tells the master when it (re)registers: itself, and with an id its tasks and their frameworks. */
export function registrationOf(config: AgentConfig, opts: { agentId?: string; docker?: string; tasks: Iterable<TaskRecord>; frameworks: Iterable<FrameworkInfo__Output> }) {
  const agentInfo = {
    hostname: config.hostname,
    port: config.port,
    resources: [...res.toProto(config.resources), ...[...config.reservations].flatMap(([role, r]) => res.toProtoReserved(r, role))],
    attributes: Object.entries(config.attributes).map(([name, value]) => ({ name, type: 'TEXT' as const, text: { value } })),
    address: { hostname: config.hostname, ip: config.advertiseIp, port: config.port },
    capabilities: opts.docker ? ['process', 'docker'] : ['process'],
    ...(opts.agentId ? { id: { value: opts.agentId } } : {}),
  };
  const reregister = opts.agentId
    ? {
        agentInfo,
        tasks: [...opts.tasks].map((t) => ({ taskInfo: t.info, frameworkId: { value: t.frameworkId }, state: t.state })),
        frameworks: [...opts.frameworks],
        version: STRATA_VERSION,
      }
    : undefined;
  return { register: { agentInfo, version: STRATA_VERSION }, reregister };
}
