import { portBindable } from '@strata/lib';
import { portClashes, type PlannedPort } from './port-plan';

/**
 * Every planned port, checked before anything starts: a taken port would otherwise show up as a
 * service that the supervisor restarts with backoff until `strata up` gives up on it.
 */
export async function checkPorts(host: string, plan: PlannedPort[]): Promise<void> {
  const problems = portClashes(plan);
  for (const p of plan) {
    if (!(await portBindable(host, p.port))) problems.push(`port ${p.port} on ${host} (for ${p.owner}) is in use; choose another with ${p.flag}`);
  }
  if (problems.length) throw new Error(`strata up cannot start: ${problems.join('; ')}`);
}
