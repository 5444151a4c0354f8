import { res, type Clock, type Logger, type StateStore } from '@strata/lib';
import { SchedulerDriver, offerResources } from '@strata/sdk';
import { isTerminalState, type Offer__Output, type TaskInfo, type TaskStatus__Output } from '@strata/proto';
import { IsoSchedule, planDue } from './schedule/schedule';
import { DueIndex } from './schedule/due-index';
import { epsilonMs, scheduleOf, type Job } from './model/job';

export interface ChronosConfig {
  master: string;
  hostname: string;
  httpPort: number;
  failoverTimeoutSeconds: number;
  /** Delay before a failed run is retried (Chronos: --failure_retry, 60 s). */
  failureRetryMs: number;
  /** Runs kept per job for /job/stat. */
  historyPerJob: number;
  /** Origins allowed to call the API from a browser (CORS); none by default. */
  corsOrigins?: string[];
}

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
  /** The ISO schedule as last set through the API; the job's shown `schedule` advances from it. */
  anchor?: string;
}

const isFinished = (r: Run) => r.state === 'finished' || r.state === 'failed' || r.state === 'killed';
const runKey = (id: string) => `runs/${id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200)}`;
export const runId = (job: string, due: number, attempt: number, args = '') => `ct:${due}:${attempt}:${job}:${args}`;

/**
 * The cron framework: jobs, their schedules and dependencies, and runs as tasks through the
 * master. A timer sleeps until the earliest due occurrence (no polling horizon); every change is
 * written to the state store before it takes effect, so a restart neither loses nor repeats a run.
 */
export class Chronos {
  readonly jobs = new Map<string, Job>();
  readonly states = new Map<string, JobState>();
  readonly runs = new Map<string, Run>();
  /** Runs not finished yet (queued, launching, running): what scheduling looks at, never the history. */
  private readonly pending = new Map<string, Run>();
  /** Finished run ids per job. */
  private readonly history = new Map<string, Set<string>>();
  /** Queued runs waiting for a retry delay (their notBefore is in the future): the timer must wake for them. */
  private readonly delayed = new Set<Run>();
  private readonly due = new DueIndex((name) => (this.jobs.get(name)?.disabled || this.jobs.get(name)?.parents ? undefined : this.states.get(name)?.nextDue));
  driver?: SchedulerDriver;
  frameworkId?: string;
  private timer?: NodeJS.Timeout;
  private suppressed = false;
  private lastLaunchable = 0;
  /** True once the stored jobs and runs are in memory (the API answers 503 until then). */
  loaded = false;

  constructor(
    readonly config: ChronosConfig,
    private readonly deps: { store: StateStore; clock: Clock; log: Logger },
  ) {}

  // --- lifecycle ---------------------------------------------------------------------------

  async start(): Promise<void> {
    const store = this.deps.store;
    for (const { value } of await store.list<Job>('jobs/')) this.jobs.set(value.name, value);
    for (const { key, value } of await store.list<JobState>('state/')) this.states.set(key.slice('state/'.length), value);
    for (const { value } of await store.list<Run>('runs/')) {
      this.runs.set(value.id, value);
      if (!isFinished(value)) this.pending.set(value.id, value);
      else this.addHistory(value);
    }
    this.frameworkId = (await store.get<string>('chronos/framework-id'))?.value;
    const now = this.deps.clock.now();
    for (const job of this.jobs.values()) if (!this.states.has(job.name)) this.states.set(job.name, this.initialState(job, now));
    for (const [name, st] of this.states) this.due.push(name, st.nextDue);
    this.loaded = true;
    this.deps.log.info({ jobs: this.jobs.size, runs: this.runs.size }, 'state loaded');

    const driver = new SchedulerDriver({
      master: this.config.master,
      framework: {
        name: 'chronos',
        user: 'root',
        hostname: this.config.hostname,
        failoverTimeout: this.config.failoverTimeoutSeconds,
        checkpoint: true,
        roles: ['*'],
        capabilities: [{ type: 'PARTITION_AWARE' }],
        ...(this.frameworkId ? { id: { value: this.frameworkId } } : {}),
      },
    });
    this.driver = driver;
    driver.on('subscribed', (id) => this.onSubscribed(id).catch((err: unknown) => this.deps.log.error({ err, frameworkId: id }, 'cannot record the framework id')));
    driver.on('offers', (offers) => this.onOffers(offers).catch((err: unknown) => this.deps.log.error({ err }, 'cannot use offers')));
    driver.on('update', (s) => this.onUpdate(s).catch((err: unknown) => this.deps.log.error({ err, taskId: s.taskId?.value }, 'cannot apply a status update')));
    driver.on('error', (m) => this.deps.log.warn({ message: m }, 'error from master'));
    await driver.subscribe(30_000);
  }

  /** The scheduler's clock, for the API (a job parsed with an empty start means now). */
  now(): number {
    return this.deps.clock.now();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.driver?.close();
  }

  private async onSubscribed(id: string): Promise<void> {
    if (this.frameworkId !== id) await this.deps.store.put('chronos/framework-id', id);
    this.frameworkId = id;
    this.suppressed = false;
    this.lastLaunchable = 0;
    // Runs we launched before a restart: ask the master what became of them.
    const inFlight = [...this.pending.values()].filter((r) => r.state === 'launching' || r.state === 'running');
    for (const r of inFlight) r.reconciling = true;
    if (inFlight.length) this.driver!.reconcile(inFlight.map((r) => ({ taskId: r.id, agentId: r.agentId })));
    this.driver!.reconcile(); // and every task the master knows of: one we do not know is killed
    await this.tick();
  }

  private initialState(job: Job, now: number): JobState {
    const s = scheduleOf(job, now);
    const eps = epsilonMs(job);
    // A start in the past is overdue. With epsilon, every occurrence still inside it runs (the
    // first of them is next); without, its latest occurrence runs once now (Chronos 3.x).
    const overdue = s ? (eps !== undefined ? s.after(now - eps - 1) : s.atOrBefore(now) ?? s.after(now)) : undefined;
    return { nextDue: overdue, parentsDone: [], skippedCount: 0, ...(job.schedule ? { anchor: job.schedule } : {}) };
  }

  // --- jobs (API) ----------------------------------------------------------------------------

  /** Creates or replaces a job (counters as given in the body, as Chronos does). Stored first: a failed write changes nothing. */
  async putJob(job: Job): Promise<void> {
    const now = this.deps.clock.now();
    const previous = this.jobs.get(job.name);
    const state: JobState = { ...(this.states.get(job.name) ?? { parentsDone: [], skippedCount: 0 }) };
    // The schedule as shown advances with each run: a client sending back either that or the one it set changes nothing.
    const sameSchedule = !!previous && (job.schedule === previous.schedule || (job.schedule !== undefined && job.schedule === state.anchor));
    if (sameSchedule && previous.schedule) job.schedule = previous.schedule;
    const scheduleChanged = !previous || !sameSchedule || previous.cronSchedule !== job.cronSchedule || previous.scheduleTimeZone !== job.scheduleTimeZone;
    if (scheduleChanged) {
      const fresh = this.initialState(job, now);
      state.nextDue = fresh.nextDue;
      state.anchor = fresh.anchor;
    }
    if (job.parents) state.parentsDone = state.parentsDone.filter((p) => job.parents!.includes(p));
    await this.deps.store.put(`jobs/${job.name}`, job);
    await this.putState(job.name, state);
    this.jobs.set(job.name, job);
    this.states.set(job.name, state);
    this.due.push(job.name, state.nextDue);
    await this.tick();
  }

  /** Job state and runs change at the rate jobs run: they need crash safety of the process, not a disk flush each. */
  private putState(name: string, state: JobState): Promise<number> {
    return this.deps.store.put(`state/${name}`, state, { durable: false });
  }

  /** Chronos's delete rule: children of a schedule job inherit its schedule; children of a dependency job inherit its parents. */
  async deleteJob(name: string): Promise<void> {
    const job = this.jobs.get(name)!;
    // The job's own record goes first: if that write fails, nothing has changed.
    await this.deps.store.delete(`jobs/${name}`);
    for (const child of [...this.jobs.values()].filter((j) => j.parents?.includes(name))) {
      const next: Job = { ...child };
      if (job.parents) {
        next.parents = [...new Set([...child.parents!.filter((p) => p !== name), ...job.parents])];
      } else {
        delete next.parents;
        next.schedule = job.schedule;
        next.cronSchedule = job.cronSchedule;
        next.scheduleTimeZone = job.scheduleTimeZone;
      }
      await this.putJob(next);
    }
    this.killJob(name);
    this.jobs.delete(name);
    this.states.delete(name);
    for (const r of [...this.pending.values()]) {
      if (r.job === name && r.state === 'queued') {
        this.runs.delete(r.id);
        this.pending.delete(r.id);
        await this.deps.store.delete(runKey(r.id));
      }
    }
    await this.deps.store.delete(`state/${name}`);
    await this.tick();
  }

  /**
   * Manual trigger: run now, once (a queued run of the job makes this a no-op, as in Chronos 3.x).
   * A disabled job ignores it: queued, it would run when the job is enabled, long after it was asked for.
   */
  async trigger(name: string, args: string): Promise<void> {
    if (this.jobs.get(name)?.disabled) return;
    if ([...this.pending.values()].some((r) => r.job === name && r.state === 'queued')) return;
    await this.enqueue(name, this.deps.clock.now(), 0, args.trim());
    await this.tick();
  }

  killJob(name: string): void {
    for (const r of this.pending.values()) {
      if (r.job !== name || (r.state !== 'running' && r.state !== 'launching')) continue;
      const sent = r.state === 'running' || r.launchSent !== false; // false only while its launch is being written
      r.killRequested = true;
      this.saveRun(r).catch((err: unknown) => this.deps.log.error({ err, taskId: r.id }, 'cannot store the kill request'));
      if (sent) this.driver?.kill(r.id, r.agentId);
    }
  }

  async markSuccess(name: string): Promise<void> {
    await this.onSuccess(this.jobs.get(name)!);
  }

  // --- scheduling ----------------------------------------------------------------------------

  /** Enqueues what is due, launches what can run, and sleeps until the next due time. */
  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    for (const name of this.due.popDue(now)) {
      const job = this.jobs.get(name);
      const state = this.states.get(name);
      if (!job || !state || state.nextDue === undefined) continue;
      const schedule = scheduleOf(job, now, state.anchor);
      if (!schedule) continue;
      const plan = planDue(schedule, state.nextDue, now, epsilonMs(job));
      if (plan.skipped.count) {
        state.skippedCount += plan.skipped.count;
        state.lastSkipped = plan.skipped.last;
        this.deps.log.warn({ jobName: job.name, skipped: plan.skipped.count }, 'occurrences skipped: not started within epsilon');
      }
      state.nextDue = plan.nextDue;
      // The runs are written before the job's next due time moves: a crash in between repeats nothing (run ids are unique).
      for (const d of plan.run) await this.enqueue(job.name, d, 0, '');
      await this.putState(job.name, state);
      this.due.push(job.name, state.nextDue);
      if (schedule instanceof IsoSchedule) {
        // Chronos's stored schedule moves on with each run: the next start and the runs left.
        const last = plan.run[plan.run.length - 1];
        const shown = state.nextDue !== undefined ? schedule.advancedTo(state.nextDue) : last !== undefined ? schedule.advancedTo(last).replace(/^R\d*/, 'R0') : undefined;
        if (shown && shown !== job.schedule) {
          job.schedule = shown;
          await this.saveBookkeeping(job);
        }
      }
    }
    this.updateOfferInterest();
    this.armTimer();
  }

  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    const now = this.deps.clock.now();
    let next = this.due.peek()?.at;
    for (const r of this.delayed) {
      if (r.state !== 'queued' || r.notBefore <= now) {
        this.delayed.delete(r);
        continue;
      }
      if (next === undefined || r.notBefore < next) next = r.notBefore;
    }
    if (next === undefined) return;
    this.timer = setTimeout(() => this.tick().catch((err: unknown) => this.deps.log.error({ err }, 'scheduler tick failed')), Math.min(Math.max(0, next - now), 2 ** 31 - 1));
  }

  private async enqueue(job: string, due: number, attempt: number, args: string, notBefore = due): Promise<void> {
    const id = runId(job, due, attempt, args);
    if (this.runs.has(id)) return; // one run per occurrence and attempt, ever
    const run: Run = { id, job, due, attempt, arguments: args, state: 'queued', notBefore };
    this.runs.set(id, run);
    this.pending.set(id, run);
    if (notBefore > this.deps.clock.now()) this.delayed.add(run);
    await this.saveRun(run);
  }

  private addHistory(r: Run): void {
    let h = this.history.get(r.job);
    if (!h) this.history.set(r.job, (h = new Set()));
    h.add(r.id);
  }

  private saveRun(r: Run): Promise<number> {
    if (isFinished(r)) {
      this.pending.delete(r.id);
      this.addHistory(r);
    }
    return this.deps.store.put(runKey(r.id), r, { durable: false });
  }

  /**
   * Epsilon is checked again at launch, not only when a run is queued: a run queued on time that
   * could not launch (master away, no offer) must not start long past its window (Jepsen's
   * Chronos finding). It is skipped and counted, as at queue time.
   */
  private async skipExpired(now: number): Promise<void> {
    for (const r of [...this.pending.values()]) {
      if (r.state !== 'queued' || r.attempt !== 0) continue;
      const job = this.jobs.get(r.job);
      const eps = job ? epsilonMs(job) : undefined;
      if (eps === undefined || now <= r.due + eps) continue;
      this.pending.delete(r.id);
      this.runs.delete(r.id);
      this.delayed.delete(r);
      const state = this.states.get(r.job);
      if (state) {
        state.skippedCount += 1;
        state.lastSkipped = r.due;
        await this.putState(r.job, state);
      }
      await this.deps.store.delete(runKey(r.id));
      this.deps.log.warn({ jobName: r.job, due: new Date(r.due).toISOString(), taskId: r.id }, 'run skipped: not launched within epsilon');
    }
  }

  /** Runs ready to launch now: due, not waiting for a retry delay, job enabled, no running run unless concurrent. */
  private launchable(now: number): Run[] {
    const busy = new Set([...this.pending.values()].filter((r) => r.state === 'running' || r.state === 'launching').map((r) => r.job));
    const picked = new Set<string>();
    return [...this.pending.values()]
      .filter((r) => r.state === 'queued' && r.notBefore <= now)
      .sort((a, b) => Number(this.jobs.get(b.job)?.highPriority ?? false) - Number(this.jobs.get(a.job)?.highPriority ?? false) || a.due - b.due)
      .filter((r) => {
        const job = this.jobs.get(r.job);
        if (!job || job.disabled) return false;
        if (job.concurrent) return true;
        if (busy.has(r.job) || picked.has(r.job)) return false;
        picked.add(r.job);
        return true;
      });
  }

  /** How many queued runs could launch now (not waiting on a retry delay, a disabled job or a busy one). */
  private launchableCount(now: number): number {
    let busy: Set<string> | undefined;
    let n = 0;
    for (const r of this.pending.values()) {
      if (r.state !== 'queued' || r.notBefore > now) continue;
      const job = this.jobs.get(r.job);
      if (!job || job.disabled) continue;
      busy ??= new Set([...this.pending.values()].filter((x) => x.state === 'running' || x.state === 'launching').map((x) => x.job));
      if (job.concurrent || !busy.has(r.job)) n++;
    }
    return n;
  }

  /**
   * Revive when more runs can launch than before (earlier declines may have filtered the offers
   * they need), suppress when none can. Reviving only on new demand keeps a run no agent can take
   * (a constraint nobody meets) from turning into a revive/decline loop with the master.
   */
  private updateOfferInterest(): void {
    const n = this.launchableCount(this.deps.clock.now());
    if (n > this.lastLaunchable || (n > 0 && this.suppressed)) {
      this.suppressed = false;
      this.driver?.revive();
    } else if (n === 0 && !this.suppressed) {
      this.suppressed = true;
      this.driver?.suppress();
    }
    this.lastLaunchable = n;
  }

  private async onOffers(offers: Offer__Output[]): Promise<void> {
    const now = this.deps.clock.now();
    await this.skipExpired(now);
    const queue = this.launchable(now);
    let left = queue.length;
    for (const offer of offers) {
      let available = offerResources(offer);
      const tasks: TaskInfo[] = [];
      const launching: Run[] = [];
      const attributes: Record<string, string> = { hostname: offer.hostname };
      for (const a of offer.attributes) attributes[a.name] = a.text?.value ?? String(a.scalar?.value ?? '');
      for (const run of queue) {
        if (run.state !== 'queued') continue; // taken by an earlier offer
        const job = this.jobs.get(run.job)!;
        if (!constraintsMet(job.constraints, attributes)) continue;
        const wanted = res.resources({ cpus: job.cpus, mem: job.mem, disk: job.disk });
        if (!res.contains(available, wanted)) continue;
        available = res.subtract(available, wanted);
        left--;
        run.state = 'launching';
        run.launchSent = false;
        run.agentId = offer.agentId!.value;
        run.host = offer.hostname;
        launching.push(run);
        tasks.push(this.taskInfo(job, run, offer, wanted));
      }
      // Written before the launch: a restart reconciles these rather than launching them again.
      await Promise.all(launching.map((r) => this.saveRun(r)));
      if (tasks.length) this.driver!.launch([offer.id!.value], tasks, { refuseSeconds: 0 });
      for (const r of launching) r.launchSent = true;
      if (!tasks.length) this.driver!.decline([offer.id!.value], { refuseSeconds: left ? 5 : 30 });
      // A kill asked for while these were being written goes out now, behind the launch on the same stream.
      for (const r of launching) if (r.killRequested) this.driver!.kill(r.id, r.agentId);
    }
    this.lastLaunchable = left; // what these offers could not place: only more than this is new demand
    this.updateOfferInterest();
  }

  private taskInfo(job: Job, run: Run, offer: Offer__Output, resources: ReturnType<typeof res.resources>): TaskInfo {
    const role = offer.allocationInfo?.role || '*';
    const env: Record<string, string> = {};
    for (const v of job.environmentVariables) env[v.name] = v.value;
    // Chronos's own variables win over the job's.
    Object.assign(env, {
      mesos_task_id: run.id,
      MESOS_TASK_ID: run.id,
      CHRONOS_JOB_OWNER: job.owner,
      CHRONOS_JOB_NAME: job.name,
      HOST: offer.hostname,
      CHRONOS_RESOURCE_MEM: String(job.mem),
      CHRONOS_RESOURCE_CPU: String(job.cpus),
      CHRONOS_RESOURCE_DISK: String(job.disk),
      CHRONOS_JOB_RUN_TIME: String(run.due),
      CHRONOS_JOB_RUN_ATTEMPT: String(run.attempt),
    });
    // Arguments from the API are words, never shell syntax: each is quoted before it joins a shell command line.
    const extra = run.arguments ? run.arguments.split(/\s+/).filter(Boolean) : [];
    const command = job.shell ? [job.command, ...extra.map(shellQuote)].join(' ') : job.command;
    const c = job.container as { image?: string; network?: string; forcePullImage?: boolean; volumes?: { containerPath: string; hostPath?: string; mode?: string }[] } | null;
    return {
      name: `ChronosTask:${job.name}`,
      taskId: { value: run.id },
      agentId: { value: run.agentId! },
      resources: res.toProto(resources, role, { allocatedTo: role }),
      command: {
        ...(job.shell ? { value: command, shell: true } : { value: job.command, shell: false, arguments: [job.command, ...job.arguments, ...extra] }),
        environment: { variables: Object.entries(env).map(([name, value]) => ({ name, value })) },
        uris: [...job.fetch.map((f) => ({ value: f.uri, executable: f.executable, extract: f.extract, cache: f.cache })), ...job.uris.map((u) => ({ value: u }))],
      },
      ...(c?.image
        ? { container: { type: 'DOCKER', docker: { image: c.image, network: (c.network as 'HOST' | 'BRIDGE') ?? 'HOST', forcePullImage: !!c.forcePullImage }, volumes: (c.volumes ?? []).filter((v) => v.hostPath).map((v) => ({ containerPath: v.containerPath, hostPath: v.hostPath!, mode: v.mode === 'RO' ? 'RO' : 'RW' })) } }
        : {}),
      ...(job.maxCompletionTime > 0 ? { maxCompletionTime: { nanoseconds: String(Math.round(job.maxCompletionTime * 1e9)) } } : {}),
    };
  }

  // --- status updates ------------------------------------------------------------------------

  private async onUpdate(s: TaskStatus__Output): Promise<void> {
    const run = this.runs.get(s.taskId?.value ?? '');
    if (!run) {
      // A task no run of ours accounts for (forgotten, from an older state): it must not run on untracked.
      if (!isTerminalState(s.state) && s.state !== 'TASK_UNREACHABLE') this.driver?.kill(s.taskId?.value ?? '', s.agentId?.value);
      return;
    }
    const job = this.jobs.get(run.job);
    const now = this.deps.clock.now();
    const answer = run.reconciling && s.reason === 'REASON_RECONCILIATION';
    run.reconciling = false;
    if (answer && (s.state === 'TASK_UNKNOWN' || s.state === 'TASK_GONE' || s.state === 'TASK_LOST') && run.state === 'launching') {
      // The launch never reached the master before we went down: launch it again, same run.
      run.state = 'queued';
      await this.saveRun(run);
      return void (await this.tick());
    }
    if (s.state === 'TASK_RUNNING' || s.state === 'TASK_STARTING' || s.state === 'TASK_STAGING') {
      if (run.state !== 'running') {
        run.state = 'running';
        run.startedAt ??= now;
        await this.saveRun(run);
        const state = this.states.get(run.job);
        if (state && state.parentsDone.length) {
          state.parentsDone = []; // the dependency cycle resets when the child starts
          await this.putState(run.job, state);
        }
      }
      return;
    }
    if (!isTerminalState(s.state) || run.state === 'finished' || run.state === 'failed' || run.state === 'killed') return;
    run.endedAt = now;
    run.message = s.message;
    if (s.state === 'TASK_FINISHED') {
      run.state = 'finished';
      await this.saveRun(run);
      if (job) await this.onSuccess(job);
    } else if (s.state === 'TASK_KILLED' && run.killRequested) {
      run.state = 'killed'; // a kill asked for through the API: no retry, no counters (Chronos)
      await this.saveRun(run);
    } else {
      run.state = 'failed';
      await this.saveRun(run);
      if (job) await this.onFailure(job, run);
    }
    await this.trimHistory(run.job);
    await this.tick();
  }

  private async onSuccess(job: Job): Promise<void> {
    job.successCount += 1;
    job.errorsSinceLastSuccess = 0;
    job.lastSuccess = new Date(this.deps.clock.now()).toISOString();
    await this.saveBookkeeping(job);
    await this.triggerChildren(job.name);
    // A finite schedule that has run its last occurrence is done (Chronos disables it).
    const state = this.states.get(job.name);
    if (!job.parents && state && state.nextDue === undefined && ![...this.pending.values()].some((r) => r.job === job.name)) {
      if (!job.disabled) {
        job.disabled = true;
        await this.deps.store.put(`jobs/${job.name}`, job);
        this.deps.log.info({ jobName: job.name }, 'job has exhausted all of its recurrences and has been disabled');
      }
    }
  }

  /** Counters change with every run: crash safety of the process is enough (the definition itself was fsynced). */
  private saveBookkeeping(job: Job): Promise<number> {
    return this.deps.store.put(`jobs/${job.name}`, job, { durable: false });
  }

  private async onFailure(job: Job, run: Run): Promise<void> {
    if (run.attempt < job.retries) {
      const now = this.deps.clock.now();
      await this.enqueue(job.name, run.due, run.attempt + 1, run.arguments, now + this.config.failureRetryMs);
      return;
    }
    job.errorCount += 1;
    job.errorsSinceLastSuccess += 1;
    job.lastError = new Date(this.deps.clock.now()).toISOString();
    await this.saveBookkeeping(job);
    if (job.softError) await this.triggerChildren(job.name);
  }

  /** A child runs once every one of its parents has succeeded since the child last started. */
  private async triggerChildren(parent: string): Promise<void> {
    for (const child of this.jobs.values()) {
      if (!child.parents?.includes(parent)) continue;
      const state = this.states.get(child.name) ?? { parentsDone: [], skippedCount: 0 };
      if (!state.parentsDone.includes(parent)) state.parentsDone.push(parent);
      this.states.set(child.name, state);
      const ready = child.parents.every((p) => state.parentsDone.includes(p));
      if (ready && !child.disabled) {
        state.parentsDone = [];
        await this.enqueue(child.name, this.deps.clock.now(), 0, '');
      }
      await this.putState(child.name, state);
    }
  }

  /** Keeps the last `historyPerJob` finished runs of a job (for /job/stat), forgetting older ones. */
  private async trimHistory(job: string): Promise<void> {
    const done = this.finishedRuns(job);
    for (const r of done.slice(0, Math.max(0, done.length - this.config.historyPerJob))) {
      this.runs.delete(r.id);
      this.history.get(job)?.delete(r.id);
      await this.deps.store.delete(runKey(r.id));
    }
  }

  /** Finished runs of a job, oldest first. */
  finishedRuns(job: string): Run[] {
    return [...(this.history.get(job) ?? [])].map((id) => this.runs.get(id)!).filter(Boolean).sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
  }

  // --- views ---------------------------------------------------------------------------------

  /** `idle`, `queued` or `<n> running` (Chronos's summary state). */
  currentState(name: string): string {
    const runs = [...this.pending.values()].filter((r) => r.job === name);
    const running = runs.filter((r) => r.state === 'running' || r.state === 'launching').length;
    if (running) return `${running} running`;
    return runs.some((r) => r.state === 'queued') ? 'queued' : 'idle';
  }

  lastStatus(job: Job): 'success' | 'failure' | 'fresh' {
    if (!job.lastSuccess && !job.lastError) return 'fresh';
    return job.lastSuccess >= job.lastError ? 'success' : 'failure';
  }
}

/** A word for a POSIX shell: single-quoted, with embedded single quotes closed, escaped and reopened. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Chronos's constraints: `[attribute, EQUALS|LIKE|UNLIKE, value]` over the offer's attributes and
 * `hostname`; LIKE and UNLIKE match the whole value as a regular expression. Other operators are
 * refused when a job is stored (parseJob); one read from an older state file is ignored.
 */
export function constraintsMet(constraints: string[][], attributes: Record<string, string>): boolean {
  return constraints.every(([attr, op, value]) => {
    const v = attributes[attr ?? ''];
    switch (op) {
      case 'EQUALS':
        return v === value;
      case 'LIKE':
        return v !== undefined && new RegExp(`^(?:${value})$`).test(v);
      case 'UNLIKE':
        return v === undefined || !new RegExp(`^(?:${value})$`).test(v);
      default:
        return true;
    }
  });
}
