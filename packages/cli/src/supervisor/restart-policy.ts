import { backoffDelay, type BackoffPolicy } from '@strata/lib';

/** Restarts of a crashed service: 0.5 s, doubling, at most 30 s; a service that stayed up a minute starts over at 0.5 s. */
export const RESTART_BACKOFF: BackoffPolicy = { initialMs: 500, factor: 2, maxMs: 30_000 };
export const STABLE_AFTER_MS = 60_000;

export interface RestartState {
  /** Restarts in a row without a stable run in between. */
  attempt: number;
  startedAt: number;
}

/**
 * What an init system does when a service exits on its own: how long to wait before starting it
 * again, and the state to keep. Pure: the supervisor owns the clock and the timers.
 */
export function nextRestart(state: RestartState, exitedAt: number, policy: BackoffPolicy = RESTART_BACKOFF): { delayMs: number; attempt: number } {
  const attempt = exitedAt - state.startedAt >= STABLE_AFTER_MS ? 0 : state.attempt;
  return { delayMs: backoffDelay(policy, attempt), attempt: attempt + 1 };
}
