import type { Job } from '../model/job';
import { isActive, isFinished, type Run } from '../model/run';

/**
 * Every run Chronos knows, indexed the ways scheduling reads them: the unfinished ones (what a
 * launch looks at, never the history), finished ones per job (for /job/stat), and queued ones
 * waiting out a retry delay (the timer must wake for them). Pure: the caller stores.
 */
export class RunBook {
  readonly runs = new Map<string, Run>();
  private readonly pending = new Map<string, Run>();
  private readonly history = new Map<string, Set<string>>();
  private readonly delayed = new Set<Run>();

  get size(): number {
    return this.runs.size;
  }

  get(id: string): Run | undefined {
    return this.runs.get(id);
  }

  /** Unfinished runs, oldest first. */
  unfinished(): Run[] {
    return [...this.pending.values()];
  }

  /** A run loaded from the store or newly queued; `now` decides whether it waits for a retry delay. */
  add(run: Run, now: number): void {
    this.runs.set(run.id, run);
    if (isFinished(run)) this.addHistory(run);
    else {
      this.pending.set(run.id, run);
      if (run.state === 'queued' && run.notBefore > now) this.delayed.add(run);
    }
  }

  /** The run changed state: a finished one moves to its job's history. */
  changed(run: Run): void {
    if (!isFinished(run)) return;
    this.pending.delete(run.id);
    this.addHistory(run);
  }

  remove(run: Run): void {
    this.runs.delete(run.id);
    this.pending.delete(run.id);
    this.delayed.delete(run);
    this.history.get(run.job)?.delete(run.id);
  }

  hasQueued(job: string): boolean {
    for (const r of this.pending.values()) if (r.job === job && r.state === 'queued') return true;
    return false;
  }

  hasUnfinished(job: string): boolean {
    for (const r of this.pending.values()) if (r.job === job) return true;
    return false;
  }

  /** Runs ready to launch now, high priority first then oldest: due, not waiting for a retry delay, job enabled, no active run unless concurrent. */
  launchable(now: number, jobs: ReadonlyMap<string, Job>): Run[] {
    const busy = this.busyJobs();
    const picked = new Set<string>();
    return [...this.pending.values()]
      .filter((r) => r.state === 'queued' && r.notBefore <= now)
      .sort((a, b) => Number(jobs.get(b.job)?.highPriority ?? false) - Number(jobs.get(a.job)?.highPriority ?? false) || a.due - b.due)
      .filter((r) => {
        const job = jobs.get(r.job);
        if (!mayStart(job, busy.has(r.job) || picked.has(r.job))) return false;
        if (!job!.concurrent) picked.add(r.job);
        return true;
      });
  }

  /**
   * How many queued runs could launch now: launchable().length without sorting. The same rule,
   * so a job with two queued runs counts once, as an offers event can place only one of them
   * (counting both read as new demand after every offer: a revive each time).
   */
  launchableCount(now: number, jobs: ReadonlyMap<string, Job>): number {
    let busy: Set<string> | undefined;
    const picked = new Set<string>();
    let n = 0;
    for (const r of this.pending.values()) {
      if (r.state !== 'queued' || r.notBefore > now) continue;
      const job = jobs.get(r.job);
      if (!job || job.disabled) continue;
      busy ??= this.busyJobs();
      if (!mayStart(job, busy.has(r.job) || picked.has(r.job))) continue;
      if (!job.concurrent) picked.add(r.job);
      n++;
    }
    return n;
  }

  /** When the earliest retry delay runs out (runs no longer waiting are dropped from the set). */
  nextRetry(now: number): number | undefined {
    let next: number | undefined;
    for (const r of this.delayed) {
      if (r.state !== 'queued' || r.notBefore <= now) {
        this.delayed.delete(r);
        continue;
      }
      if (next === undefined || r.notBefore < next) next = r.notBefore;
    }
    return next;
  }

  /** Finished runs of a job, oldest first. */
  finished(job: string): Run[] {
    return [...(this.history.get(job) ?? [])].map((id) => this.runs.get(id)!).filter(Boolean).sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
  }

  /** `idle`, `queued` or `<n> running` (Chronos's summary state). */
  summary(job: string): string {
    let running = 0;
    let queued = false;
    for (const r of this.pending.values()) {
      if (r.job !== job) continue;
      if (isActive(r)) running++;
      else if (r.state === 'queued') queued = true;
    }
    return running ? `${running} running` : queued ? 'queued' : 'idle';
  }

  private busyJobs(): Set<string> {
    const busy = new Set<string>();
    for (const r of this.pending.values()) if (isActive(r)) busy.add(r.job);
    return busy;
  }

  private addHistory(r: Run): void {
    let h = this.history.get(r.job);
    if (!h) this.history.set(r.job, (h = new Set()));
    h.add(r.id);
  }
}

/** One rule for "may a run of this job start": the job exists and is enabled, and is concurrent or has no active run. */
function mayStart(job: Job | undefined, busy: boolean): boolean {
  return !!job && !job.disabled && (job.concurrent || !busy);
}
