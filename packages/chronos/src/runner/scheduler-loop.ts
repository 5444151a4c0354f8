import { testHook, type Timer } from '@strata/lib';
import { OfferInterest } from '@strata/sdk/offers';
import { epsilonMs, scheduleOf, type Job } from '../model/job';
import { recordSkip, runId, type JobState, type Run } from '../model/run';
import { IsoSchedule, planDue, recentSkips } from '../schedule/schedule';
import type { ChronosContext } from '../chronos-state';

/**
 * The scheduler: queues due occurrences (epsilon, skipped counts, the stored schedule moving
 * on), sleeps on the clock until the next due time or retry, and keeps the master's idea of our
 * interest in offers (revive/suppress) in step with what can launch.
 */
export class SchedulerLoop {
  private timer?: Timer;
  private readonly interest = new OfferInterest();
  /** The `chronos.drop-run-after-failover` test hook: jobs this term loaded whose first due run it has yet to drop. */
  private toDrop?: Set<string>;

  constructor(private readonly ctx: ChronosContext) {}

  /** The term's state is loaded: the jobs it took over (the test hook's victims, when planted). */
  loaded(jobs: Iterable<string>): void {
    if (testHook('chronos.drop-run-after-failover')) this.toDrop = new Set(jobs);
  }

  /** Where a job starts when it is created or its schedule changes. */
  initialState(job: Job, now: number): JobState {
    const s = scheduleOf(job, now);
    const eps = epsilonMs(job);
    // A start in the past is overdue. With epsilon, every occurrence still inside it runs (the
    // first of them is next); without, its latest occurrence runs once now (Chronos 3.x).
    const overdue = s ? (eps !== undefined ? s.after(now - eps - 1) : s.atOrBefore(now) ?? s.after(now)) : undefined;
    return { nextDue: overdue, parentsDone: [], skippedCount: 0, ...(job.schedule ? { anchor: job.schedule } : {}) };
  }

  async tick(): Promise<void> {
    const { clock, jobs, states, due, store, log } = this.ctx;
    const now = clock.now();
    for (const name of due.popDue(now)) {
      const job = jobs.get(name);
      const state = states.get(name);
      if (!job || !state || state.nextDue === undefined) continue;
      const schedule = scheduleOf(job, now, state.anchor);
      if (!schedule) continue;
      const plan = planDue(schedule, state.nextDue, now, epsilonMs(job), (d) => !!this.ctx.runs.get(runId(job.name, d, 0, '')));
      if (plan.skipped.count) {
        state.skippedCount += plan.skipped.count;
        state.lastSkipped = plan.skipped.last;
        state.skippedDue = recentSkips(state.skippedDue, plan.skipped.dues ?? []);
        log.warn({ jobName: job.name, skipped: plan.skipped.count }, 'occurrences skipped: not started within epsilon');
      }
      if (plan.run.length && this.toDrop?.delete(job.name)) {
        log.warn({ jobName: job.name, due: plan.run[0], hook: 'chronos.drop-run-after-failover' }, 'TEST HOOK: due run dropped after failover');
        plan.run.shift();
      }
      state.nextDue = plan.nextDue;
      // The runs are written before the job's next due time moves: a crash in between repeats nothing (run ids are unique).
      for (const d of plan.run) await this.enqueue(job.name, d, 0, '');
      await store.putState(job.name, state);
      due.push(job.name, state.nextDue);
      if (schedule instanceof IsoSchedule) {
        // Chronos's stored schedule moves on with each run: the next start and the runs left.
        const last = plan.run[plan.run.length - 1];
        const shown = state.nextDue !== undefined ? schedule.advancedTo(state.nextDue) : last !== undefined ? schedule.advancedTo(last).replace(/^R\d*/, 'R0') : undefined;
        if (shown && shown !== job.schedule) {
          job.schedule = shown;
          await store.putBookkeeping(job);
        }
      }
    }
    this.updateOfferInterest();
    this.arm();
  }

  async enqueue(job: string, dueAt: number, attempt: number, args: string, notBefore = dueAt): Promise<void> {
    const { runs, clock } = this.ctx;
    const id = runId(job, dueAt, attempt, args);
    if (runs.get(id)) return; // one run per occurrence and attempt, ever
    const run: Run = { id, job, due: dueAt, attempt, arguments: args, state: 'queued', notBefore };
    runs.add(run, clock.now());
    await this.ctx.saveRun(run);
  }

  /**
   * Epsilon is checked again at launch, not only when a run is queued: a run queued on time that
   * could not launch (master away, no offer) must not start long past its window (Jepsen's
   * Chronos finding). It is skipped and counted, as at queue time.
   */
  async skipExpired(now: number): Promise<void> {
    const { runs, jobs } = this.ctx;
    for (const r of runs.unfinished()) {
      if (r.state !== 'queued' || r.attempt !== 0) continue;
      const job = jobs.get(r.job);
      const eps = job ? epsilonMs(job) : undefined;
      if (eps === undefined || now <= r.due + eps) continue;
      await this.skip(r, 'run skipped: not launched within epsilon');
    }
  }

  /**
   * A run that will not happen inside its window leaves the books and its occurrence is recorded
   * as skipped (count, last, recent due times): every occurrence either ran once or is there.
   */
  async skip(r: Run, why: string): Promise<void> {
    const { runs, states, store, log } = this.ctx;
    runs.remove(r);
    const state = states.get(r.job);
    if (state && recordSkip(state, r.due, recentSkips)) await store.putState(r.job, state);
    await store.deleteRun(r.id);
    log.warn({ jobName: r.job, due: new Date(r.due).toISOString(), taskId: r.id }, why);
  }

  /** After (re)subscribing the master knows nothing of our interest: start from "revived". */
  resetOfferInterest(): void {
    this.interest.reset();
  }

  /** Revive/suppress on demand (the SDK's OfferInterest). `placedLeft`: what an offers event could not place. */
  updateOfferInterest(placedLeft?: number): void {
    if (placedLeft !== undefined) this.interest.leftAfterOffers(placedLeft);
    const call = this.interest.next(this.ctx.runs.launchableCount(this.ctx.clock.now(), this.ctx.jobs));
    if (call === 'revive') this.ctx.driver()?.revive();
    else if (call === 'suppress') this.ctx.driver()?.suppress();
  }


  stop(): void {
    this.timer?.cancel();
  }

  /** Sleeps until the earliest due occurrence or retry (no polling horizon). */
  private arm(): void {
    const { clock, due, runs, log } = this.ctx;
    this.timer?.cancel();
    const now = clock.now();
    const dueAt = due.peek()?.at;
    const retry = runs.nextRetry(now);
    const next = dueAt === undefined ? retry : retry === undefined ? dueAt : Math.min(dueAt, retry);
    if (next === undefined) return;
    this.timer = clock.after(next - now, () => {
      this.ctx.tick().catch((err: unknown) => log.error({ err }, 'scheduler tick failed'));
    });
  }
}
