/**
 * The bookkeeping of one health check on one task, shared by the agent (Mesos-level checks) and
 * the init framework (Marathon-level checks). Pure: results and `now` come in as arguments.
 * Failures are ignored until the first success or until the grace period since the task started
 * has passed; `maxConsecutiveFailures` failures in a row (0 = never) ask for a kill.
 */
export interface HealthState {
  alive?: boolean;
  consecutiveFailures: number;
  firstSuccess?: number;
  lastSuccess?: number;
  lastFailure?: number;
  lastFailureCause?: string;
}

export interface HealthPolicy {
  gracePeriodMs: number;
  maxConsecutiveFailures: number;
}

export const initialHealth = (): HealthState => ({ consecutiveFailures: 0 });

export function nextHealth(
  prev: HealthState,
  result: { ok: boolean; cause?: string },
  now: number,
  startedAt: number,
  policy: HealthPolicy,
): { state: HealthState; changed: boolean; kill: boolean } {
  if (result.ok) {
    const state: HealthState = { ...prev, alive: true, consecutiveFailures: 0, firstSuccess: prev.firstSuccess ?? now, lastSuccess: now };
    return { state, changed: prev.alive !== true, kill: false };
  }
  if (prev.firstSuccess === undefined && now - startedAt < policy.gracePeriodMs) {
    return { state: { ...prev, lastFailure: now, lastFailureCause: result.cause }, changed: false, kill: false };
  }
  const consecutiveFailures = prev.consecutiveFailures + 1;
  const state: HealthState = { ...prev, alive: false, consecutiveFailures, lastFailure: now, lastFailureCause: result.cause };
  return { state, changed: prev.alive !== false, kill: policy.maxConsecutiveFailures > 0 && consecutiveFailures >= policy.maxConsecutiveFailures };
}
