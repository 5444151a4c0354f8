export type RunState = 'queued' | 'launching' | 'running' | 'finished' | 'failed' | 'killed';

/** One run of a job: its id is Chronos's task id, derived from the due time, so it is never duplicated. */
export interface Run {
  id: string;
  job: string;
  due: number;
  attempt: number;
  arguments: string;
  state: RunState;
  /** Retries wait until then. */
  notBefore: number;
  agentId?: string;
  host?: string;
  startedAt?: number;
  endedAt?: number;
  killRequested?: boolean;
  /** In flight when chronos restarted: the master's reconciliation answer decides its fate. */
  reconciling?: boolean;
  /** When its launch was accepted (ms): a launch unanswered for long is reconciled again. */
  launchedAt?: number;
  /** false while the launch is written but not yet sent (a kill then waits for it). */
  launchSent?: boolean;
  message?: string;
}

export interface JobState {
  /** The next occurrence not handled yet (schedule jobs). */
  nextDue?: number;
  /** Parents that succeeded since this job last started (dependency jobs). */
  parentsDone: string[];
  skippedCount: number;
  lastSkipped?: number;
  /** The latest skipped due times (at most RECENT_SKIPS): each occurrence either ran once or is here. */
  skippedDue?: number[];
  /** The ISO schedule as last set through the API; the job's shown `schedule` advances from it. */
  anchor?: string;
}

export const isFinished = (r: Run) => r.state === 'finished' || r.state === 'failed' || r.state === 'killed';
/** Launching or running: a job with one is busy (unless it is concurrent). */
export const isActive = (r: Run) => r.state === 'running' || r.state === 'launching';
export const runId = (job: string, due: number, attempt: number, args = '') => `ct:${due}:${attempt}:${job}:${args}`;

/**
 * When a run started: the time its agent stamped on the first running update (seconds), not
 * when that update reached us — across a partition or a failover it can arrive seconds late,
 * and a run that started inside its window must be seen there. Never later than now (an agent's
 * clock ahead of ours), and now when the update carries no time.
 */
export function startTimeOf(statusTimestampSeconds: number | undefined, now: number): number {
  if (!statusTimestampSeconds || !Number.isFinite(statusTimestampSeconds)) return now;
  return Math.min(now, Math.round(statusTimestampSeconds * 1000));
}

/**
 * Records an occurrence as skipped once: a due time already among the recent skips (a second
 * leader, or a second path, giving up on the same occurrence) is not counted again.
 */
export function recordSkip(state: JobState, due: number, recent: (kept: readonly number[] | undefined, more: readonly number[]) => number[]): boolean {
  if (state.skippedDue?.includes(due)) return false;
  state.skippedCount += 1;
  state.lastSkipped = due;
  state.skippedDue = recent(state.skippedDue, [due]);
  return true;
}
