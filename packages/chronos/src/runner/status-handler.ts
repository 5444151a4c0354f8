import { isTerminalState, type TaskStatus__Output } from '@strata/proto';
import { childrenReady } from '../graph/dependency-graph';
import type { Job } from '../model/job';
import { isFinished, startTimeOf, type Run } from '../model/run';
import type { ChronosContext } from '../chronos-state';

/** Status updates from the master: a run's progress and end, and what follows (retries, counters, children, history). */
export class StatusHandler {
  constructor(private readonly ctx: ChronosContext) {}

  async handle(s: TaskStatus__Output): Promise<void> {
    const { runs, jobs, clock, states, store } = this.ctx;
    const run = runs.get(s.taskId?.value ?? '');
    if (!run) {
      // A task no run of ours accounts for (forgotten, from an older state): it must not run on untracked.
      if (!isTerminalState(s.state) && s.state !== 'TASK_UNREACHABLE') this.ctx.driver()?.kill(s.taskId?.value ?? '', s.agentId?.value);
      return;
    }
    const job = jobs.get(run.job);
    const now = clock.now();
    const answer = run.reconciling && s.reason === 'REASON_RECONCILIATION';
    run.reconciling = false;
    const gone = s.state === 'TASK_UNKNOWN' || s.state === 'TASK_GONE' || s.state === 'TASK_LOST';
    // Never started, for certain: the launch never reached the master (or died with it), or the
    // master says it never started on its agent (TASK_DROPPED: the agent came back without it,
    // the launch lost with a connection a partition broke; one past its deadline is the skip
    // below). Not a failure of the job: the same run is launched again, and past its epsilon the
    // next offer skips it instead (skipExpired).
    const neverStarted = (answer && gone) || (s.state === 'TASK_DROPPED' && s.reason !== 'REASON_LAUNCH_DEADLINE_PASSED');
    if (neverStarted && run.state === 'launching') {
      run.state = 'queued';
      this.ctx.log.warn({ jobName: run.job, taskId: run.id, state: s.state, agentId: s.agentId?.value, message: s.message }, 'launch never started: queued again');
      await this.ctx.saveRun(run);
      return this.ctx.tick();
    }
    if (answer && s.state === 'TASK_UNKNOWN' && run.state === 'running') {
      // Its agent came back without it: the run's end will never be reported. A failure (retried as one).
      s = { ...s, state: 'TASK_LOST', message: 'the master and its agent know nothing of the task any more' };
    }
    if (s.state === 'TASK_RUNNING' || s.state === 'TASK_STARTING' || s.state === 'TASK_STAGING') {
      if (run.state === 'running') return;
      run.state = 'running';
      run.startedAt ??= startTimeOf(s.timestamp, now);
      await this.ctx.saveRun(run);
      const state = states.get(run.job);
      if (state && state.parentsDone.length) {
        state.parentsDone = []; // the dependency cycle resets when the child starts
        await store.putState(run.job, state);
      }
      return;
    }
    if (!isTerminalState(s.state) || isFinished(run)) return;
    if (s.reason === 'REASON_LAUNCH_DEADLINE_PASSED' && run.state === 'launching') {
      // Our launch reached its agent past due + epsilon (held up by a partition): it did not run,
      // and a retry would run it later still. The occurrence is skipped, as one never launched.
      await this.ctx.skip(run, 'run skipped: its launch reached the agent after its epsilon');
      return this.ctx.tick();
    }
    run.endedAt = now;
    run.message = s.message;
    // The run's end and its job's counters are issued in one turn, so the etcd store writes them in
    // one transaction: a leader killed between two writes would leave the run finished and its
    // success uncounted, and the redelivered update would find the run finished and count nothing.
    if (s.state === 'TASK_FINISHED') {
      run.state = 'finished';
      await Promise.all([this.ctx.saveRun(run), ...(job ? [this.succeeded(job)] : [])]);
    } else if (s.state === 'TASK_KILLED' && run.killRequested) {
      run.state = 'killed'; // a kill asked for through the API: no retry, no counters (Chronos)
      await this.ctx.saveRun(run);
    } else {
      run.state = 'failed';
      await Promise.all([this.ctx.saveRun(run), ...(job ? [this.failed(job, run)] : [])]);
    }
    await this.trimHistory(run.job);
    await this.ctx.tick();
  }

  /** A run succeeded (or the API said so): counters, children, and a finite schedule that is done gets disabled. */
  async succeeded(job: Job): Promise<void> {
    const { clock, store, states, runs, log } = this.ctx;
    job.successCount += 1;
    job.errorsSinceLastSuccess = 0;
    job.lastSuccess = new Date(clock.now()).toISOString();
    await store.putBookkeeping(job);
    await this.triggerChildren(job.name);
    const state = states.get(job.name);
    if (!job.parents && state && state.nextDue === undefined && !runs.hasUnfinished(job.name) && !job.disabled) {
      job.disabled = true;
      await store.putJob(job);
      log.info({ jobName: job.name }, 'job has exhausted all of its recurrences and has been disabled');
    }
  }

  private async failed(job: Job, run: Run): Promise<void> {
    const { clock, store, config } = this.ctx;
    if (run.attempt < job.retries) {
      await this.ctx.enqueue(job.name, run.due, run.attempt + 1, run.arguments, clock.now() + config.failureRetryMs);
      return;
    }
    job.errorCount += 1;
    job.errorsSinceLastSuccess += 1;
    job.lastError = new Date(clock.now()).toISOString();
    await store.putBookkeeping(job);
    if (job.softError) await this.triggerChildren(job.name);
  }

  /** A child runs once every one of its parents has succeeded since the child last started. */
  private async triggerChildren(parent: string): Promise<void> {
    const { jobs, states, store, clock } = this.ctx;
    for (const { child, ready } of childrenReady(parent, jobs.values(), (name) => states.get(name)?.parentsDone ?? [])) {
      const state = states.get(child.name) ?? { parentsDone: [], skippedCount: 0 };
      if (!state.parentsDone.includes(parent)) state.parentsDone.push(parent);
      states.set(child.name, state);
      if (ready && !child.disabled) {
        state.parentsDone = [];
        await this.ctx.enqueue(child.name, clock.now(), 0, '');
      }
      await store.putState(child.name, state);
    }
  }

  /** Keeps the last `historyPerJob` finished runs of a job (for /job/stat), forgetting older ones. */
  private async trimHistory(job: string): Promise<void> {
    const { runs, store, config } = this.ctx;
    const done = runs.finished(job);
    for (const r of done.slice(0, Math.max(0, done.length - config.historyPerJob))) {
      runs.remove(r);
      await store.deleteRun(r.id);
    }
  }
}
