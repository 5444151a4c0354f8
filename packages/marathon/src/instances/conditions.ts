import { initialHealth, nextHealth, type HealthState } from '@strata/lib/health';

/** Marathon's instance condition names for Mesos states. */
export function condition(state: string): string {
  return CONDITIONS[state] ?? 'Unknown';
}

const CONDITIONS: Record<string, string> = {
  TASK_STAGING: 'Staging', TASK_STARTING: 'Starting', TASK_RUNNING: 'Running', TASK_KILLING: 'Killing', TASK_KILLED: 'Killed',
  TASK_FAILED: 'Failed', TASK_FINISHED: 'Finished', TASK_ERROR: 'Error', TASK_UNREACHABLE: 'Unreachable', TASK_GONE: 'Gone',
  TASK_DROPPED: 'Dropped', TASK_LOST: 'Unreachable', TASK_UNKNOWN: 'Unknown',
};

/**
 * A Mesos-level check's verdict, as the agent reports it in a status update: the agent already
 * applied the grace period and counts, so the verdict is recorded as it is (no grace, no kill).
 */
export function healthFromStatus(prev: HealthState | undefined, healthy: boolean, message: string | undefined, now: number): HealthState {
  return nextHealth(prev ?? initialHealth(), { ok: healthy, cause: message }, now, now, { gracePeriodMs: 0, maxConsecutiveFailures: 0 }).state;
}
