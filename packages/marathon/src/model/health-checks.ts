import type { Instance } from '../instances/instance';
import type { HealthCheck } from './app-definition';

/** Checks Marathon probes itself (from the scheduler, as Marathon's HTTP/HTTPS/TCP checks do); the others run on the agent. */
export const isMarathonLevel = (h: HealthCheck) => h.protocol === 'HTTP' || h.protocol === 'HTTPS' || h.protocol === 'TCP';

/** The port a check targets: `port`, or the task's port at `portIndex`. */
export function checkPort(h: HealthCheck, inst: Instance): number | undefined {
  return h.port ?? inst.ports[h.portIndex ?? 0];
}
