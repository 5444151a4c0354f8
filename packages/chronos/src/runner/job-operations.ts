import { rewireOnDelete } from '../graph/dependency-graph';
import type { Job } from '../model/job';
import { isActive, type JobState } from '../model/run';
import type { ChronosContext } from '../chronos-state';
import type { SchedulerLoop } from './scheduler-loop';
import type { StatusHandler } from './status-handler';

/** The API's changes to jobs: each is stored before it takes effect, so a failed write changes nothing. */
export class JobOperations {
  constructor(
    private readonly ctx: ChronosContext,
    private readonly parts: { loop: SchedulerLoop; updates: StatusHandler },
  ) {}

  /** Creates or replaces a job (counters as given in the body, as Chronos does). */
  async put(job: Job): Promise<void> {
    const { clock, jobs, states, store, due } = this.ctx;
    const now = clock.now();
    const previous = jobs.get(job.name);
    const state: JobState = { ...(states.get(job.name) ?? { parentsDone: [], skippedCount: 0 }) };
    // The schedule as shown advances with each run: a client sending back either that or the one it set changes nothing.
    const sameSchedule = !!previous && (job.schedule === previous.schedule || (job.schedule !== undefined && job.schedule === state.anchor));
    if (sameSchedule && previous.schedule) job.schedule = previous.schedule;
    const scheduleChanged = !previous || !sameSchedule || previous.cronSchedule !== job.cronSchedule || previous.scheduleTimeZone !== job.scheduleTimeZone;
    if (scheduleChanged) {
      const fresh = this.parts.loop.initialState(job, now);
      state.nextDue = fresh.nextDue;
      state.anchor = fresh.anchor;
    }
    if (job.parents) state.parentsDone = state.parentsDone.filter((p) => job.parents!.includes(p));
    await store.putJob(job);
    await store.putState(job.name, state);
    jobs.set(job.name, job);
    states.set(job.name, state);
    due.push(job.name, state.nextDue);
    await this.ctx.tick();
  }

  /** Deletes a job; its children are rewired (graph/dependency-graph.ts), its queued runs dropped, its running ones killed. */
  async delete(name: string): Promise<void> {
    const { jobs, states, runs, store } = this.ctx;
    const job = jobs.get(name)!;
    // The job's own record goes first: if that write fails, nothing has changed.
    await store.deleteJob(name);
    for (const child of rewireOnDelete(job, [...jobs.values()])) await this.put(child);
    this.kill(name);
    jobs.delete(name);
    states.delete(name);
    for (const r of runs.unfinished()) {
      if (r.job !== name || r.state !== 'queued') continue;
      runs.remove(r);
      await store.deleteRun(r.id);
    }
    await store.deleteState(name);
    await this.ctx.tick();
  }

  /**
   * Manual trigger: run now, once (a queued run of the job makes this a no-op, as in Chronos 3.x).
   * A disabled job ignores it: queued, it would run when the job is enabled, long after it was asked for.
   */
  async trigger(name: string, args: string): Promise<void> {
    if (this.ctx.jobs.get(name)?.disabled || this.ctx.runs.hasQueued(name)) return;
    await this.ctx.enqueue(name, this.ctx.clock.now(), 0, args.trim());
    await this.ctx.tick();
  }

  kill(name: string): void {
    const { runs, log } = this.ctx;
    for (const r of runs.unfinished()) {
      if (r.job !== name || !isActive(r)) continue;
      const sent = r.state === 'running' || r.launchSent !== false; // false only while its launch is being written
      r.killRequested = true;
      this.ctx.saveRun(r).catch((err: unknown) => log.error({ err, taskId: r.id }, 'cannot store the kill request'));
      if (sent) this.ctx.driver()?.kill(r.id, r.agentId);
    }
  }

  async markSuccess(name: string): Promise<void> {
    await this.parts.updates.succeeded(this.ctx.jobs.get(name)!);
  }
}
