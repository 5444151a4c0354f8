import type { AppDefinition } from '../model/app-definition';

export interface Delay {
  /** Current delay in ms (0 before any failure). */
  delayMs: number;
  /** No launch before this time (ms since epoch). */
  until: number;
}

/**
 * Marathon's launch backoff per app version: each limit-worthy end of a task (failed, finished,
 * error, dropped, gone; not killed) multiplies the delay by backoffFactor, starting at
 * backoffSeconds and capped at maxLaunchDelaySeconds. Pure: `now` is an argument.
 */
export function onTaskFailure(app: AppDefinition, prev: Delay | undefined, now: number): Delay {
  const first = app.backoffSeconds * 1000;
  const max = app.maxLaunchDelaySeconds * 1000;
  const delayMs = prev && prev.delayMs > 0 ? Math.min(max, prev.delayMs * app.backoffFactor) : Math.min(max, first);
  return { delayMs, until: now + delayMs };
}

export const LIMIT_WORTHY: ReadonlySet<string> = new Set(['TASK_FAILED', 'TASK_FINISHED', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE']);

export function isDelayed(d: Delay | undefined, now: number): boolean {
  return !!d && d.until > now;
}
