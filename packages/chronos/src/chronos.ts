import type { Clock, Logger, StateStore, Timer } from '@strata/lib';
import { frameworkDriver, type SchedulerDriver } from '@strata/sdk';
import type { ChronosConfig } from './config';
import type { ChronosContext } from './chronos-state';
import type { Job } from './model/job';
import { isActive, type JobState, type Run } from './model/run';
import { RunBook } from './queue/run-book';
import { JobOperations } from './runner/job-operations';
import { OfferHandler } from './runner/offer-handler';
import { SchedulerLoop } from './runner/scheduler-loop';
import { StatusHandler } from './runner/status-handler';
import { DueIndex } from './schedule/due-index';
import { ChronosStore } from './state/chronos-store';

export type { ChronosConfig } from './config';
export type { Run, JobState, RunState } from './model/run';

/**
 * The cron framework: wires jobs, runs, the store and the runners (runner/: the scheduler loop,
 * offers, status updates, job operations), and is what the API talks to. A timer on the clock
 * sleeps until the earliest due occurrence; every change is written to the state store before it
 * takes effect, so a restart neither loses nor repeats a run.
 */
export class Chronos {
  readonly jobs = new Map<string, Job>();
  readonly states = new Map<string, JobState>();
  readonly runBook = new RunBook();
  driver?: SchedulerDriver;
  frameworkId?: string;
  /** True once the stored jobs and runs are in memory (the API answers 503 until then). */
  loaded = false;
  private readonly store: ChronosStore;
  private readonly ctx: ChronosContext;
  private readonly loop: SchedulerLoop;
  private readonly offers: OfferHandler;
  private readonly updates: StatusHandler;
  private readonly operations: JobOperations;
  private reconcileTimer?: Timer;

  constructor(
    readonly config: ChronosConfig,
    private readonly deps: { store: StateStore; clock: Clock; log: Logger; acting?: () => boolean },
  ) {
    this.store = new ChronosStore(deps.store);
    const due = new DueIndex((name) => (this.jobs.get(name)?.disabled || this.jobs.get(name)?.parents ? undefined : this.states.get(name)?.nextDue));
    this.ctx = {
      config,
      clock: deps.clock,
      log: deps.log,
      store: this.store,
      jobs: this.jobs,
      states: this.states,
      runs: this.runBook,
      due,
      driver: () => this.driver,
      tick: () => this.loop.tick(),
      enqueue: (job, at, attempt, args, notBefore) => this.loop.enqueue(job, at, attempt, args, notBefore),
      skip: (run, why) => this.loop.skip(run, why),
      saveRun: async (run) => {
        this.runBook.changed(run);
        await this.store.putRun(run);
      },
    };
    this.loop = new SchedulerLoop(this.ctx);
    this.offers = new OfferHandler(this.ctx, this.loop);
    this.updates = new StatusHandler(this.ctx);
    this.operations = new JobOperations(this.ctx, { loop: this.loop, updates: this.updates });
  }

  /** Every run Chronos keeps (unfinished and recent history), by id. */
  get runs(): ReadonlyMap<string, Run> {
    return this.runBook.runs;
  }

  // --- lifecycle ---------------------------------------------------------------------------

  async start(): Promise<void> {
    const now = this.deps.clock.now();
    const stored = await this.store.load();
    for (const job of stored.jobs) this.jobs.set(job.name, job);
    for (const [name, state] of stored.states) this.states.set(name, state);
    for (const run of stored.runs) this.runBook.add(run, now);
    this.frameworkId = stored.frameworkId;
    for (const job of this.jobs.values()) if (!this.states.has(job.name)) this.states.set(job.name, this.loop.initialState(job, now));
    for (const [name, st] of this.states) this.ctx.due.push(name, st.nextDue);
    this.loaded = true;
    this.loop.loaded(this.jobs.keys());
    this.deps.log.info({ jobs: this.jobs.size, runs: this.runBook.size }, 'state loaded');

    this.driver = frameworkDriver({
      master: this.config.master,
      framework: {
        name: 'chronos',
        user: 'root',
        hostname: this.config.hostname,
        failoverTimeout: this.config.failoverTimeoutSeconds,
        checkpoint: true,
        roles: ['*'],
        capabilities: [{ type: 'PARTITION_AWARE' }],
      },
      frameworkId: this.frameworkId,
      ...(this.config.masterCredential ? { credential: this.config.masterCredential } : {}),
      saveFrameworkId: (id) => this.store.putFrameworkId(id),
      handlers: {
        subscribed: (id) => this.onSubscribed(id),
        offers: (offers) => this.offers.handle(offers),
        update: (s) => this.updates.handle(s),
      },
      log: this.deps.log,
      ...(this.deps.acting ? { acting: this.deps.acting } : {}),
    });
    await this.driver.subscribe(30_000);
  }

  /** The scheduler's clock, for the API (a job parsed with an empty start means now). */
  now(): number {
    return this.deps.clock.now();
  }

  stop(): void {
    this.loop.stop();
    this.reconcileTimer?.cancel();
    this.driver?.close();
  }

  private async onSubscribed(id: string): Promise<void> {
    this.frameworkId = id;
    this.loop.resetOfferInterest();
    // Runs we launched before a restart: ask the master what became of them.
    this.reconcile(this.runBook.unfinished().filter(isActive));
    this.driver!.reconcile(); // and every task the master knows of: one we do not know is killed
    // Then again while they stay in flight (Mesos's advice: reconcile periodically): an update
    // lost with a master that died, or a launch with a partition, would otherwise never be settled.
    const interval = this.config.reconcileIntervalMs ?? 10_000;
    this.reconcileTimer?.cancel();
    this.reconcileTimer = this.deps.clock.every(interval, () => {
      const now = this.deps.clock.now();
      this.reconcile(this.runBook.unfinished().filter((r) => r.state === 'running' || (r.state === 'launching' && r.launchSent !== false && now - (r.launchedAt ?? 0) >= interval)));
    });
    await this.loop.tick();
  }

  /** Explicit reconciliation of these runs' tasks; each answer is handled as one (status-handler). */
  private reconcile(runs: Run[]): void {
    if (!runs.length || !this.driver) return;
    for (const r of runs) r.reconciling = true;
    this.driver.reconcile(runs.map((r) => ({ taskId: r.id, agentId: r.agentId })));
  }

  // --- jobs (API) ----------------------------------------------------------------------------

  putJob(job: Job): Promise<void> {
    return this.operations.put(job);
  }

  deleteJob(name: string): Promise<void> {
    return this.operations.delete(name);
  }

  trigger(name: string, args: string): Promise<void> {
    return this.operations.trigger(name, args);
  }

  killJob(name: string): void {
    this.operations.kill(name);
  }

  markSuccess(name: string): Promise<void> {
    return this.operations.markSuccess(name);
  }

  tick(): Promise<void> {
    return this.loop.tick();
  }

  // --- views ---------------------------------------------------------------------------------

  /** Finished runs of a job, oldest first. */
  finishedRuns(job: string): Run[] {
    return this.runBook.finished(job);
  }

  /** `idle`, `queued` or `<n> running` (Chronos's summary state). */
  currentState(name: string): string {
    return this.runBook.summary(name);
  }

  lastStatus(job: Job): 'success' | 'failure' | 'fresh' {
    if (!job.lastSuccess && !job.lastError) return 'fresh';
    return job.lastSuccess >= job.lastError ? 'success' : 'failure';
  }
}
