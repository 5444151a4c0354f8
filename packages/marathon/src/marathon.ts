import { randomUUID } from 'node:crypto';
import { StrataError, res, type Clock, type Logger } from '@strata/lib';
import { SchedulerDriver, offerResources } from '@strata/sdk';
import { isTerminalState, type ContainerInfo, type Offer__Output, type TaskInfo, type TaskStatus__Output } from '@strata/proto';
import type { AppDefinition } from './model/app-definition';
import { needsRestart } from './model/app-definition';
import { killOrder, isLive, isRunning, isHealthy, isHealthyAndReady, needsLaunch, newInstance, taskIdFor, instanceUuidOfTask, instanceOfTask, type Instance } from './instances/instance';
import { HealthMonitor, isMarathonLevel } from './health/health-monitor';
import { ReadinessMonitor } from './health/readiness-monitor';
import type { HealthState } from '@strata/lib';
import { matchOffer, reasonOf, type AgentView, type Placement } from './launch-queue/offer-matcher';
import { onTaskFailure, isDelayed, LIMIT_WORTHY, type Delay } from './launch-queue/backoff';
import { replaceStep, maxCapacityOf } from './deployment/rolling-replace';
import { type Deployment, type ActionName } from './deployment/deployment';
import { orderByDependencies } from './deployment/dependency-order';
import type { Repository } from './state/repository';
import { DEFAULT_LIMITS, type MarathonLimits } from './model/limits';
import { dockerNetworkOf, normalizeNetworking, portMappingsOf, servicePortsOf } from './model/networking';
import type { EventBus } from './events/event-bus';

export interface MarathonConfig {
  master: string;
  hostname: string;
  httpPort: number;
  /** Seconds the master keeps our tasks when we disconnect (Marathon: --failover_timeout, 1 week). */
  failoverTimeoutSeconds: number;
  /** How long declined offers stay filtered when nothing needs launching (Marathon: --decline_offer_duration 120 s). */
  declineOfferSeconds: number;
  localPortMin: number;
  localPortMax: number;
  /** Upper bounds of the API (default DEFAULT_LIMITS). */
  limits?: MarathonLimits;
  /** Most /v2/events streams open at once (default 256); more are refused with 503. */
  maxEventStreams?: number;
  /** How often every task is reconciled with the master (Marathon: --reconciliation_interval, 10 min). */
  reconcileIntervalMs?: number;
}

export interface LastTaskFailure {
  appId: string;
  host: string;
  message: string;
  state: string;
  taskId: string;
  timestamp: string;
  version: string;
  slaveId: string;
}

interface QueueStats {
  processedOffersCount: number;
  unusedOffersCount: number;
  lastUnusedOfferAt?: string;
  lastUsedOfferAt?: string;
  rejectSummaryLastOffers: Record<string, number>;
  since: string;
}

export interface GroupRecord {
  id: string;
  dependencies: string[];
  version: string;
}

export class AppLockedError extends StrataError {
  constructor(readonly deploymentIds: string[]) {
    super('APP_LOCKED', `App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/${deploymentIds[0]}'.`, { status: 409 });
  }
}

/**
 * The init framework's brain: apps, their instances, deployments and the launch queue. Every
 * event (an API change, an offer, a status update) ends in `converge()`, which moves each app
 * one step towards its definition: scale up or down, or one rolling-replace step; the offer
 * handler then launches what is waiting. Pure rules live in model/, deployment/ and
 * launch-queue/; this class holds the state and does the I/O.
 */
export class Marathon {
  readonly apps = new Map<string, AppDefinition>();
  readonly instances = new Map<string, Instance>();
  private readonly byApp = new Map<string, Map<string, Instance>>();
  private readonly byUuid = new Map<string, Instance>();
  readonly deployments = new Map<string, Deployment>();
  readonly delays = new Map<string, Delay>();
  readonly lastTaskFailure = new Map<string, LastTaskFailure>();
  readonly queueStats = new Map<string, QueueStats>();
  /** Explicit groups (their dependencies, and empty groups); apps' groups otherwise follow from their ids. */
  readonly groups = new Map<string, GroupRecord>();
  private readonly agents = new Map<string, AgentView>();
  private readonly deleting = new Set<string>();
  driver?: SchedulerDriver;
  frameworkId?: string;
  private suppressed = false;
  private converging = false;
  /** Instances created in the current converge pass, and whether another pass is already asked for. */
  private addedThisPass = 0;
  private morePending = false;
  private stopped = false;
  /** True once the stored state is in memory: before that the API must not answer from an empty Marathon. */
  loaded = false;
  private lastLaunchable = 0;
  private readonly health = new HealthMonitor((inst, index, state, changed, kill) => this.onHealth(inst, index, state, changed, kill));
  private readonly readiness = new ReadinessMonitor((inst) => {
    this.persist('saveInstance', this.deps.repo.saveInstance(inst));
    this.converge();
  });

  constructor(
    readonly config: MarathonConfig,
    private readonly deps: { repo: Repository; events: EventBus; clock: Clock; log: Logger },
  ) {}

  // --- lifecycle ---------------------------------------------------------------------------

  async start(): Promise<void> {
    const repo = this.deps.repo;
    for (const app of await repo.apps()) this.apps.set(app.id, withNetworks(app));
    for (const inst of await repo.instances()) this.track(inst);
    for (const d of await repo.deployments()) this.deployments.set(d.id, d);
    for (const g of await repo.groups()) this.groups.set(g.id, g);
    for (const d of this.deployments.values()) for (const app of d.affectedApps) if (!this.apps.has(app) && d.original[app] !== undefined) this.deleting.add(app);
    this.frameworkId = await repo.frameworkId();
    this.loaded = true;
    this.deps.log.info({ apps: this.apps.size, instances: this.instances.size, deployments: this.deployments.size, frameworkId: this.frameworkId }, 'state loaded');

    const driver = new SchedulerDriver({
      master: this.config.master,
      framework: {
        name: 'marathon',
        user: 'root',
        hostname: this.config.hostname,
        failoverTimeout: this.config.failoverTimeoutSeconds,
        checkpoint: true,
        roles: ['*'],
        webuiUrl: `http://${this.config.hostname}:${this.config.httpPort}`,
        capabilities: [{ type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }],
        ...(this.frameworkId ? { id: { value: this.frameworkId } } : {}),
      },
    });
    this.driver = driver;
    driver.on('subscribed', (id) => this.onSubscribed(id).catch((err: unknown) => this.deps.log.error({ err, frameworkId: id }, 'cannot record the framework id')));
    driver.on('offers', (offers) => this.onOffers(offers));
    driver.on('update', (s) => this.onUpdate(s));
    driver.on('error', (m) => this.deps.log.warn({ message: m }, 'error from master'));
    driver.on('disconnected', (why) => {
      this.deps.events.publish('scheduler_disconnected_event', { message: why });
      this.deps.log.warn({ why }, 'disconnected from master');
    });
    await driver.subscribe(30_000);
  }

  stop(): void {
    this.stopped = true;
    this.health.stop();
    this.readiness.stop();
    this.driver?.close();
  }

  private onHealth(inst: Instance, index: number, state: HealthState, changed: boolean, kill: boolean): void {
    const app = this.apps.get(inst.appId);
    if (!app) return;
    if (state.alive === false) this.deps.events.publish('failed_health_check_event', { appId: app.id, instanceId: inst.instanceId, taskId: inst.taskId, healthCheck: app.healthChecks[index] });
    if (changed) {
      this.deps.events.publish('health_status_changed_event', { appId: app.id, instanceId: inst.instanceId, taskId: inst.taskId, version: inst.appVersion, alive: state.alive === true });
      this.deps.events.publish('instance_health_changed_event', { instanceId: inst.instanceId, runSpecId: app.id, runSpecVersion: inst.appVersion, healthy: isHealthy(inst, app.healthChecks.length) });
    }
    if (kill) {
      this.deps.events.publish('unhealthy_instance_kill_event', { appId: app.id, taskId: inst.taskId, instanceId: inst.instanceId, version: inst.appVersion, reason: `${app.healthChecks[index]!.protocol} health check failed ${state.consecutiveFailures} times: ${state.lastFailureCause ?? ''}`, host: inst.host, slaveId: inst.agentId });
      this.killInstanceTask(inst); // goal stays running: it is replaced
    }
    if (changed) this.persist('saveInstance', this.deps.repo.saveInstance(inst)); // deployments resume from stored health after a restart
    if (changed || kill) this.converge();
  }

  healthyCount(app: AppDefinition, list: Instance[]): number {
    return list.filter((i) => isHealthy(i, app.healthChecks.length)).length;
  }

  /** New instances a deployment may count: healthy and, with a readiness check, ready. */
  readyCount(app: AppDefinition, list: Instance[]): number {
    return list.filter((i) => isHealthyAndReady(i, app.healthChecks.length, app.readinessChecks.length)).length;
  }

  private async onSubscribed(id: string): Promise<void> {
    const again = this.frameworkId === id;
    this.frameworkId = id;
    if (!again) await this.deps.repo.saveFrameworkId(id);
    this.deps.events.publish(again ? 'scheduler_reregistered_event' : 'scheduler_registered_event', { frameworkId: id, master: this.config.master });
    this.suppressed = false;
    this.lastLaunchable = 0;
    this.reconcile();
    this.converge();
  }

  /**
   * Learns the truth about every task we think exists (explicit), and about any we forgot
   * (implicit: an unknown task is killed when its update comes). On every subscription, and
   * periodically (Marathon's --reconciliation_interval), since a master answers nothing for tasks
   * on agents that have not reregistered yet.
   */
  reconcile(): void {
    if (!this.frameworkId) return;
    this.driver?.reconcile([...this.instances.values()].filter((i) => i.taskId && isLive(i)).map((i) => ({ taskId: i.taskId!, agentId: i.agentId })));
    this.driver?.reconcile();
  }

  // --- API operations ----------------------------------------------------------------------

  get limits(): MarathonLimits {
    return this.config.limits ?? DEFAULT_LIMITS;
  }

  version(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  lockedBy(appId: string): string[] {
    return [...this.deployments.values()].filter((d) => d.affectedApps.includes(appId)).map((d) => d.id);
  }

  /**
   * Creates, updates, scales or deletes apps in one deployment. A locked app gives 409 unless
   * `force`, which cancels the deployments holding it (they end with deployment_failed).
   * Everything that can refuse (a cycle, a lock, service ports) is decided, and every record is
   * written, before anything in memory changes: a refused or failed deploy leaves Marathon as it
   * was. `groups` are group records the change brings (a group PUT's dependencies).
   */
  async deploy(changes: { before?: AppDefinition; after?: AppDefinition; restart?: boolean }[], force: boolean, groups: GroupRecord[] = [], opts: { dryRun?: boolean } = {}): Promise<Deployment> {
    const ids = changes.map((c) => (c.after ?? c.before)!.id);
    const stops = changes.filter((c) => !c.after).map((c) => c.before!.id);
    const targets = changes.filter((c) => c.after).map((c) => c.after!);
    const allIds = [...new Set([...[...this.apps.keys()].filter((id) => !stops.includes(id)), ...targets.map((a) => a.id)])];
    const groupDeps = new Map([...this.groups].map(([id, g]) => [id, g.dependencies]));
    for (const g of groups) groupDeps.set(g.id, g.dependencies);
    const order = orderByDependencies(targets.map((a) => ({ id: a.id, dependencies: [...a.dependencies, ...inheritedDependencies(groupDeps, a.id)] })), allIds);
    if (!order.ok) {
      const reason = `Dependency graph has cyclic dependencies: ${order.cycle.join(' -> ')}`;
      if (!opts.dryRun) this.deps.events.publish('group_change_failed', { groupId: '/', version: this.version(), reason });
      throw new StrataError('INVALID', 'Object is not valid', { status: 422, details: [{ path: '/', errors: [reason] }] });
    }
    const locks = [...new Set(ids.flatMap((id) => this.lockedBy(id)))];
    if (locks.length && !force && !opts.dryRun) {
      this.deps.events.publish('group_change_failed', { groupId: '/', version: this.version(), reason: 'App is locked by one or more deployments' });
      throw new AppLockedError(locks);
    }
    const version = this.version();
    const deployment: Deployment = { id: randomUUID(), version, affectedApps: ids, steps: [], currentStep: 1, totalSteps: 0, original: {}, appStep: {} };
    // Marathon's plan: stops first, then starts, then one step per dependency class.
    const step = (actions: { action: ActionName; app: string }[]) => deployment.steps.push({ actions });
    if (stops.length) {
      step(stops.map((app) => ({ action: 'StopApplication' as const, app })));
      for (const id of stops) deployment.appStep[id] = deployment.steps.length;
    }
    const created = changes.filter((c) => c.after && !c.before).map((c) => c.after!.id);
    if (created.length) step(created.map((app) => ({ action: 'StartApplication' as const, app })));
    for (const cls of order.classes) {
      step(cls.map((id) => {
        const c = changes.find((x) => x.after?.id === id)!;
        const restart = c.restart ?? (c.before ? needsRestart(c.before, c.after!) : false);
        return { action: (restart ? 'RestartApplication' : 'ScaleApplication') as ActionName, app: id };
      }));
      for (const id of cls) deployment.appStep[id] = deployment.steps.length;
    }
    deployment.totalSteps = deployment.steps.length;
    deployment.currentStep = Math.min(...Object.values(deployment.appStep), deployment.totalSteps) || 1;
    // Service ports for every new definition, against each other too (may refuse: nothing written yet).
    const servicePortsTaken = new Set<number>();
    for (const other of this.apps.values()) if (!ids.includes(other.id)) for (const p of servicePortsOf(other)) servicePortsTaken.add(p);
    const finals = changes.map((c) => {
      if (!c.after) return { c, app: undefined };
      const app = this.assignServicePorts(c.after, servicePortsTaken);
      if (c.before && !needsRestart(c.before, app) && !c.restart) app.versionInfo = { lastScalingAt: app.version, lastConfigChangeAt: c.before.versionInfo.lastConfigChangeAt };
      return { c, app };
    });
    for (const { c, app } of finals) deployment.original[(app ?? c.before)!.id] = c.before ?? null;
    // A preview: the plan as it would run, and nothing written or changed.
    if (opts.dryRun) return deployment;

    await this.writeAll([
      ...locks.map((id) => ({ write: () => this.deps.repo.deleteDeployment(id), undo: () => this.deps.repo.saveDeployment(this.deployments.get(id)!) })),
      ...groups.map((g) => ({ write: () => this.deps.repo.saveGroup(g), undo: () => (this.groups.has(g.id) ? this.deps.repo.saveGroup(this.groups.get(g.id)!) : this.deps.repo.deleteGroup(g.id)) })),
      ...finals.filter((f) => f.app).map(({ c, app }) => ({ write: () => this.deps.repo.saveApp(app!), undo: () => (c.before ? this.deps.repo.saveApp(c.before) : this.deps.repo.deleteApp(app!.id)) })),
      { write: () => this.deps.repo.saveDeployment(deployment), undo: () => this.deps.repo.deleteDeployment(deployment.id) },
    ]);

    // Stored: now it takes effect.
    for (const id of locks) this.dropDeployment(id, 'canceled by a forced deployment');
    for (const g of groups) this.groups.set(g.id, g);
    for (const { c, app } of finals) {
      if (app) {
        this.apps.set(app.id, app);
        this.deleting.delete(app.id);
        if (!c.before || needsRestart(c.before, app) || c.restart) this.delays.delete(app.id); // a new version starts without backoff
        this.deps.events.publish('api_post_event', { clientIp: '', uri: `/v2/apps${app.id}`, appDefinition: app });
        this.publishHealthCheckChanges(c.before, app);
      } else {
        this.deleting.add(c.before!.id);
        this.publishHealthCheckChanges(c.before, undefined);
      }
    }
    this.deployments.set(deployment.id, deployment);
    this.deps.events.publish('group_change_success', { groupId: '/', version });
    this.deps.events.publish('deployment_info', { plan: this.planJson(deployment), currentStep: deployment.steps[deployment.currentStep - 1] });
    this.converge();
    return deployment;
  }

  /**
   * Writes records in order; when one fails, undoes those already written (best effort) and
   * answers 503: a request either stores all it changes or nothing.
   */
  private async writeAll(steps: { write: () => Promise<unknown>; undo: () => Promise<unknown> }[]): Promise<void> {
    const done: typeof steps = [];
    for (const s of steps) {
      try {
        await s.write();
        done.push(s);
      } catch (err) {
        for (const d of done.reverse()) await d.undo().catch((e) => this.deps.log.error({ err: e }, 'undoing a partial write failed'));
        this.deps.log.error({ err }, 'state write failed; the change was not made');
        throw new StrataError('STATE_WRITE_FAILED', `The change could not be stored, so it was not made: ${(err as Error).message}`, { status: 503, cause: err });
      }
    }
  }

  /** Marathon's add_health_check_event / remove_health_check_event for the checks a change brings or takes away. */
  private publishHealthCheckChanges(before: AppDefinition | undefined, after: AppDefinition | undefined): void {
    const key = (h: unknown) => JSON.stringify(h);
    const old = new Set((before?.healthChecks ?? []).map(key));
    const now = new Set((after?.healthChecks ?? []).map(key));
    for (const h of after?.healthChecks ?? []) if (!old.has(key(h))) this.deps.events.publish('add_health_check_event', { appId: after!.id, version: after!.version, healthCheck: h });
    for (const h of before?.healthChecks ?? []) if (!now.has(key(h))) this.deps.events.publish('remove_health_check_event', { appId: before!.id, healthCheck: h });
  }

  /** A write that follows a change already made (an instance's new state): a failure is logged, never an unhandled rejection. */
  private persist(what: string, write: Promise<unknown>): void {
    write.catch((err) => this.deps.log.error({ err, what }, 'state write failed'));
  }

  /** `DELETE /v2/deployments/{id}`: with force just stop; otherwise revert the apps it changed. */
  async rollback(deploymentId: string, force: boolean): Promise<Deployment | undefined> {
    const d = this.deployments.get(deploymentId);
    if (!d) throw new StrataError('NOT_FOUND', `DeploymentPlan ${deploymentId} does not exist`, { status: 404 });
    await this.cancelDeployment(deploymentId, force ? 'canceled' : 'rolled back');
    if (force) return undefined;
    const changes = d.affectedApps.map((id) => {
      const before = d.original[id] ?? undefined;
      const current = this.apps.get(id);
      return { before: current, after: before ? { ...before, version: this.version() } : undefined, restart: !!before && !!current && needsRestart(current, before) };
    }).filter((c) => c.before || c.after);
    return this.deploy(changes, true);
  }

  private async cancelDeployment(id: string, reason: string): Promise<void> {
    if (!this.deployments.has(id)) return;
    await this.deps.repo.deleteDeployment(id);
    this.dropDeployment(id, reason);
  }

  /** Forgets a deployment whose record is already deleted, and says so. */
  private dropDeployment(id: string, reason: string): void {
    const d = this.deployments.get(id);
    if (!d) return;
    this.deployments.delete(id);
    this.deps.events.publish('deployment_step_failure', { plan: this.planJson(d), currentStep: d.steps[d.currentStep - 1] });
    this.deps.events.publish('deployment_failed', { id, plan: this.planJson(d), reason });
  }

  /** Kills tasks on request; with `scale` the app's instances shrink by as many (one deployment). */
  async killTasks(taskIds: string[], scale: boolean, force = true): Promise<{ killed: Instance[]; deployment?: Deployment }> {
    const killed: Instance[] = [];
    for (const t of taskIds) {
      const inst = this.instanceByTask(t);
      if (!inst) throw new StrataError('NOT_FOUND', `Task '${t}' does not exist`, { status: 404 });
      killed.push(inst);
    }
    if (!scale) {
      for (const inst of killed) this.killInstanceTask(inst);
      return { killed };
    }
    const byApp = new Map<string, Instance[]>();
    for (const i of killed) byApp.set(i.appId, [...(byApp.get(i.appId) ?? []), i]);
    const changes = [...byApp].map(([appId, list]) => {
      const before = this.apps.get(appId)!;
      return { before, after: { ...before, instances: Math.max(0, before.instances - list.length), version: this.version() } };
    });
    for (const i of killed) this.decommission(i); // the named ones, not whatever the kill order would pick
    const deployment = await this.deploy(changes, force);
    return { killed, deployment };
  }

  resetDelay(appId: string): boolean {
    const had = this.delays.has(appId);
    this.delays.delete(appId);
    if (had) this.converge();
    return had;
  }

  instanceByTask(taskId: string): Instance | undefined {
    const uuid = instanceUuidOfTask(taskId);
    const inst = uuid === undefined ? undefined : this.byUuid.get(uuid);
    return inst?.taskId === taskId ? inst : undefined;
  }

  // --- convergence -------------------------------------------------------------------------

  /** Moves every app one step towards its definition and updates deployments. Re-entrant calls coalesce. */
  converge(): void {
    if (this.converging) return;
    this.converging = true;
    this.addedThisPass = 0;
    try {
      for (const appId of this.deleting) this.convergeDeletion(appId);
      for (const app of this.apps.values()) this.convergeApp(app);
      this.finishDeployments();
      this.updateOfferInterest();
      this.health.sync(this.apps, this.instances.values());
      this.readiness.sync(this.apps, this.instances.values(), (appId) => this.lockedBy(appId).length > 0);
    } finally {
      this.converging = false;
    }
  }

  private instancesOf(appId: string): Instance[] {
    return [...(this.byApp.get(appId)?.values() ?? [])];
  }

  /** Instances are looked up by app (every converge) and by task uuid (every update): keep both indexes with the map. */
  private track(inst: Instance): void {
    this.instances.set(inst.instanceId, inst);
    this.byUuid.set(inst.uuid, inst);
    let m = this.byApp.get(inst.appId);
    if (!m) this.byApp.set(inst.appId, (m = new Map()));
    m.set(inst.instanceId, inst);
  }

  private untrack(inst: Instance): void {
    this.instances.delete(inst.instanceId);
    this.byUuid.delete(inst.uuid);
    const m = this.byApp.get(inst.appId);
    m?.delete(inst.instanceId);
    if (m?.size === 0) this.byApp.delete(inst.appId);
  }

  private convergeDeletion(appId: string): void {
    const all = this.instancesOf(appId);
    for (const i of all) if (i.goal !== 'decommissioned') this.decommission(i);
    if (all.length === 0) {
      this.deleting.delete(appId);
      this.apps.delete(appId);
      this.delays.delete(appId);
      this.persist('deleteApp', this.deps.repo.deleteApp(appId));
      this.deps.events.publish('app_terminated_event', { appId });
    }
  }


  async deleteGroup(id: string): Promise<void> {
    for (const g of [...this.groups.keys()]) {
      if (g === id || g.startsWith(`${id}/`)) {
        this.groups.delete(g);
        await this.deps.repo.deleteGroup(g);
      }
    }
  }

  /** An app whose step in a running deployment has not come yet stays as it is. */
  private heldBack(appId: string): boolean {
    for (const d of this.deployments.values()) {
      const step = d.appStep?.[appId];
      if (step !== undefined && step > d.currentStep) return true;
    }
    return false;
  }

  private convergeApp(app: AppDefinition): void {
    if (this.deleting.has(app.id) || this.heldBack(app.id)) return;
    const all = this.instancesOf(app.id);
    const wanted = all.filter((i) => i.goal === 'running');
    const old = wanted.filter((i) => i.appVersion !== app.version && this.versionNeedsRestart(app, i.appVersion));
    // Instances of a version that differs only in scale carry over to the new version.
    for (const i of wanted) if (i.appVersion !== app.version && !old.includes(i)) i.appVersion = app.version;
    const fresh = wanted.filter((i) => !old.includes(i));
    if (old.length === 0) {
      if (fresh.length < app.instances) this.addInstances(app, app.instances - fresh.length);
      else if (fresh.length > app.instances) for (const i of killOrder(fresh, app.killSelection).slice(0, fresh.length - app.instances)) this.decommission(i);
      return;
    }
    const step = replaceStep({
      target: app.instances,
      minimumHealthCapacity: app.upgradeStrategy.minimumHealthCapacity,
      maximumOverCapacity: app.upgradeStrategy.maximumOverCapacity,
      oldActive: all.filter((i) => i.appVersion !== app.version && (i.goal === 'running' || isLive(i))).length,
      oldWanted: old.length,
      oldHealthy: this.healthyCount(app, old),
      newStarted: fresh.length,
      newHealthy: this.readyCount(app, fresh),
    });
    // Unhealthy old instances go first, then Marathon's usual order.
    const healthy = (i: Instance) => isHealthy(i, app.healthChecks.length);
    const victims = [...old.filter((i) => !healthy(i)), ...killOrder(old.filter(healthy), app.killSelection)];
    for (const i of victims.slice(0, step.killOld)) this.decommission(i);
    this.addInstances(app, step.startNew);
  }

  /** Whether instances of `version` must be replaced to reach `app` (a scale-only change does not). */
  private versionNeedsRestart(app: AppDefinition, version: string): boolean {
    return version < app.versionInfo.lastConfigChangeAt;
  }

  /** Whether an app has reached its definition: N healthy instances of its version and nothing else. */
  private appDone(id: string): boolean {
    if (this.deleting.has(id)) return false;
    const app = this.apps.get(id);
    if (!app) return true;
    const all = this.instancesOf(id);
    const waited = this.lockedBy(id).length > 0;
    const current = all.filter((i) => i.goal === 'running' && i.appVersion === app.version && (waited ? isHealthyAndReady(i, app.healthChecks.length, app.readinessChecks.length) : isHealthy(i, app.healthChecks.length)));
    return current.length === app.instances && all.every((i) => i.goal === 'running' && i.appVersion === app.version);
  }

  /** Advances deployments step by step (dependencies first) and ends those whose last step is done. */
  private finishDeployments(): void {
    let advanced = false;
    for (const d of [...this.deployments.values()]) {
      for (;;) {
        const inStep = Object.entries(d.appStep).filter(([, s]) => s <= d.currentStep).map(([id]) => id);
        if (!inStep.every((id) => this.appDone(id))) break;
        this.deps.events.publish('deployment_step_success', { plan: this.planJson(d), currentStep: d.steps[d.currentStep - 1] });
        if (d.currentStep >= d.totalSteps) {
          this.deployments.delete(d.id);
          this.persist('deleteDeployment', this.deps.repo.deleteDeployment(d.id));
          this.deps.events.publish('deployment_success', { id: d.id, plan: this.planJson(d) });
          break;
        }
        d.currentStep++;
        advanced = true;
        this.persist('saveDeployment', this.deps.repo.saveDeployment(d));
        this.deps.events.publish('deployment_info', { plan: this.planJson(d), currentStep: d.steps[d.currentStep - 1] });
      }
    }
    // Apps of the next step may move now.
    if (advanced) setImmediate(() => this.converge());
  }

  /**
   * Adds up to `n` instances, at most INSTANCES_PER_PASS in one pass: a scale to thousands is
   * spread over turns of the event loop (the next pass follows at once), so the API and status
   * updates are served in between.
   */
  private addInstances(app: AppDefinition, n: number): void {
    const now = Math.min(n, INSTANCES_PER_PASS - this.addedThisPass);
    for (let i = 0; i < now; i++) {
      const inst = newInstance(app.id, app.version, randomUUID());
      this.track(inst);
      this.persist('saveInstance', this.deps.repo.saveInstance(inst));
    }
    this.addedThisPass += now;
    if (now < n && !this.morePending) {
      this.morePending = true;
      setImmediate(() => {
        this.morePending = false;
        if (!this.stopped) this.converge();
      });
    }
  }

  /** Stops an instance for good: kill its task if it has one, forget it once it has none. */
  private decommission(inst: Instance): void {
    inst.goal = 'decommissioned';
    if (inst.taskId && isLive(inst)) {
      this.killInstanceTask(inst);
      this.persist('saveInstance', this.deps.repo.saveInstance(inst));
    } else if (inst.taskId && inst.state === 'TASK_UNREACHABLE') {
      this.killInstanceTask(inst); // if it ever comes back it must die
      this.forget(inst);
    } else {
      this.forget(inst);
    }
  }

  private forget(inst: Instance): void {
    this.untrack(inst);
    this.persist('deleteInstance', this.deps.repo.deleteInstance(inst.instanceId));
  }

  private killInstanceTask(inst: Instance): void {
    if (!inst.taskId) return;
    const app = this.apps.get(inst.appId);
    const graceMs = app?.taskKillGracePeriodSeconds !== undefined ? app.taskKillGracePeriodSeconds * 1000 : undefined;
    this.driver?.kill(inst.taskId, inst.agentId, graceMs);
  }

  /**
   * Revive when more instances can launch than before (new demand, a backoff ran out: earlier
   * declines may have filtered the offers we now need), suppress when none can.
   */
  private updateOfferInterest(): void {
    const now = this.deps.clock.now();
    const launchable = [...this.instances.values()].filter((i) => needsLaunch(i) && this.apps.has(i.appId) && !isDelayed(this.delays.get(i.appId), now)).length;
    if (launchable > this.lastLaunchable || (launchable > 0 && this.suppressed)) {
      this.suppressed = false;
      this.driver?.revive();
    } else if (launchable === 0 && !this.suppressed && ![...this.instances.values()].some(needsLaunch)) {
      this.suppressed = true;
      this.driver?.suppress();
    }
    this.lastLaunchable = launchable;
  }

  /** Earliest backoff expiry, so the service can converge again then. */
  nextDelayExpiry(): number | undefined {
    let next: number | undefined;
    for (const d of this.delays.values()) if (d.until > this.deps.clock.now() && (next === undefined || d.until < next)) next = d.until;
    return next;
  }

  // --- offers ------------------------------------------------------------------------------

  private onOffers(offers: Offer__Output[]): void {
    const now = this.deps.clock.now();
    const nowIso = new Date(now).toISOString();
    const queue = [...this.instances.values()].filter((i) => needsLaunch(i) && this.apps.has(i.appId) && !isDelayed(this.delays.get(i.appId), now));
    const taken = new Set<Instance>();
    const rooms = new Map<string, { left: number }>();
    const roomOf = (app: AppDefinition) => {
      let r = rooms.get(app.id);
      if (!r) rooms.set(app.id, (r = { left: this.launchRoom(app) }));
      return r;
    };
    // Where each app's instances are, for constraints: computed once per offers event, extended as we place.
    const placements = new Map<string, Placement[]>();
    const placedOf = (appId: string) => {
      let p = placements.get(appId);
      if (!p) {
        p = this.instancesOf(appId).filter((i) => i.agentId && (isLive(i) || i.state === 'TASK_UNREACHABLE') && i.goal === 'running').map((i) => this.agents.get(i.agentId!) ?? { agentId: i.agentId!, hostname: i.host ?? '', attributes: {} });
        placements.set(appId, p);
      }
      return p;
    };
    for (const offer of offers) {
      const agent: AgentView = {
        agentId: offer.agentId!.value,
        hostname: offer.hostname,
        attributes: Object.fromEntries(offer.attributes.map((a) => [a.name, a.text?.value ?? String(a.scalar?.value ?? '')])),
      };
      this.agents.set(agent.agentId, agent);
      let available = offerResources(offer);
      const tasks: TaskInfo[] = [];
      for (const inst of queue) {
        if (taken.has(inst)) continue;
        const app = this.apps.get(inst.appId)!;
        const room = roomOf(app);
        if (room.left <= 0) continue;
        const stats = this.statsFor(app.id, nowIso);
        stats.processedOffersCount++;
        const placed = placedOf(app.id);
        const m = matchOffer(app, available, agent, placed);
        if (!m.ok) {
          stats.unusedOffersCount++;
          stats.lastUnusedOfferAt = nowIso;
          for (const key of new Set(m.reasons.map(reasonOf))) stats.rejectSummaryLastOffers[key] = (stats.rejectSummaryLastOffers[key] ?? 0) + 1;
          continue;
        }
        stats.lastUsedOfferAt = nowIso;
        available = res.subtract(available, m.resources);
        placed.push(agent);
        taken.add(inst);
        room.left--;
        inst.incarnation += 1;
        inst.taskId = taskIdFor(inst, inst.incarnation);
        inst.agentId = agent.agentId;
        inst.host = offer.hostname;
        inst.ports = m.ports;
        inst.state = 'TASK_STAGING';
        inst.stagedAt = nowIso;
        inst.startedAt = undefined;
        inst.health = undefined;
        inst.readiness = undefined;
        inst.appVersion = app.version;
        this.persist('saveInstance', this.deps.repo.saveInstance(inst));
        tasks.push(this.taskInfo(app, inst, offer, m.resources));
      }
      const waiting = queue.length - taken.size;
      if (tasks.length) this.driver!.launch([offer.id!.value], tasks, { refuseSeconds: waiting ? 0 : 5 });
      else this.driver!.decline([offer.id!.value], { refuseSeconds: waiting ? 5 : this.config.declineOfferSeconds });
    }
    this.lastLaunchable = queue.length - taken.size;
    this.updateOfferInterest();
  }

  /**
   * The last word on maximumOverCapacity, checked at the moment of launch: during a rolling
   * replace the app never has more live instances than floor(N x (1 + moc)) (+1 when Marathon
   * allows it), whatever converge() decided from a slightly older picture. Returns how many more
   * instances may start now (unbounded outside a replace).
   */
  private launchRoom(app: AppDefinition): number {
    const all = this.instancesOf(app.id);
    const replacing = all.some((i) => i.appVersion !== app.version && (i.goal === 'running' || isLive(i)));
    if (!replacing) return Number.POSITIVE_INFINITY;
    const live = all.filter(isLive).length;
    const healthy = this.healthyCount(app, all.filter((i) => i.goal === 'running'));
    return maxCapacityOf({ target: app.instances, minimumHealthCapacity: app.upgradeStrategy.minimumHealthCapacity, maximumOverCapacity: app.upgradeStrategy.maximumOverCapacity }, healthy) - live;
  }

  private statsFor(appId: string, nowIso: string): QueueStats {
    let s = this.queueStats.get(appId);
    if (!s) this.queueStats.set(appId, (s = { processedOffersCount: 0, unusedOffersCount: 0, rejectSummaryLastOffers: {}, since: nowIso }));
    return s;
  }

  /** The TaskInfo for one instance: command or container, Marathon's environment, labels, kill grace. */
  private taskInfo(app: AppDefinition, inst: Instance, offer: Offer__Output, resources: ReturnType<typeof res.resources>): TaskInfo {
    const env: Record<string, string> = {
      MARATHON_APP_ID: app.id,
      MARATHON_APP_VERSION: app.version,
      MARATHON_APP_RESOURCE_CPUS: String(app.cpus),
      MARATHON_APP_RESOURCE_MEM: String(app.mem),
      MARATHON_APP_RESOURCE_DISK: String(app.disk),
      MARATHON_APP_RESOURCE_GPUS: String(app.gpus),
      MARATHON_APP_LABELS: Object.keys(app.labels).join(' '),
      ...Object.fromEntries(Object.entries(app.labels).map(([k, v]) => [`MARATHON_APP_LABEL_${k.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`, v])),
      ...app.env,
    };
    const networks = app.networks;
    // The mappings that take a host port, in the order of inst.ports (hostPortSlots' order).
    const hostMapped = portMappingsOf(app).filter((m) => m.hostPort !== undefined);
    // Named ports: $PORT_<NAME> is the host port the name was given (port definitions, or mappings with a host port).
    const named = networks[0]!.mode === 'host' ? app.portDefinitions.map((p) => p.name) : hostMapped.map((m) => m.name);
    named.forEach((name, i) => {
      if (name && inst.ports[i] !== undefined) env[`PORT_${name.toUpperCase()}`] = String(inst.ports[i]);
    });
    const c = app.container as { type?: string; docker?: { image?: string; forcePullImage?: boolean; privileged?: boolean }; volumes?: { containerPath: string; hostPath: string; mode?: string }[] } | undefined;
    const network = dockerNetworkOf(networks);
    // containerPort 0 on a bridge means "the same as the host port" (Marathon).
    const portMappings = network === 'BRIDGE' ? hostMapped.map((m, i) => ({ hostPort: inst.ports[i]!, containerPort: m.containerPort || inst.ports[i]!, protocol: m.protocol })) : [];
    const container: ContainerInfo | undefined = c?.docker?.image
      ? {
          type: 'DOCKER',
          docker: { image: c.docker.image, network, portMappings, forcePullImage: !!c.docker.forcePullImage, privileged: !!c.docker.privileged },
          volumes: (c.volumes ?? []).map((v) => ({ containerPath: v.containerPath, hostPath: v.hostPath, mode: v.mode === 'RO' ? 'RO' : 'RW' })),
        }
      : undefined;
    if (container) env.MARATHON_APP_DOCKER_IMAGE = c!.docker!.image!;
    const role = offer.allocationInfo?.role || '*';
    return {
      name: app.id.slice(1).split('/').reverse().join('.'),
      taskId: { value: inst.taskId! },
      agentId: { value: inst.agentId! },
      resources: res.toProto(resources, role, { allocatedTo: role }),
      command: {
        // args: an argv without a shell (value is its program, Mesos's convention); a Docker image takes them as its entrypoint's arguments.
        ...(app.cmd ? { value: app.cmd, shell: true } : container ? { shell: false, arguments: app.args ?? [] } : { shell: false, value: app.args?.[0], arguments: app.args ?? [] }),
        environment: { variables: Object.entries(env).map(([name, value]) => ({ name, value })) },
        uris: app.fetch.map((f) => ({ value: f.uri, extract: f.extract, executable: f.executable, cache: f.cache })),
      },
      ...(container ? { container } : {}),
      labels: { labels: Object.entries(app.labels).map(([key, value]) => ({ key, value })) },
      ...this.mesosHealthCheck(app, inst),
      ...(app.taskKillGracePeriodSeconds !== undefined ? { killPolicy: { gracePeriod: { nanoseconds: String(app.taskKillGracePeriodSeconds * 1e9) } } } : {}),
    };
  }

  /** The one Mesos-level check (COMMAND, MESOS_HTTP, MESOS_TCP) goes into the TaskInfo for the agent to run. */
  private mesosHealthCheck(app: AppDefinition, inst: Instance): Pick<TaskInfo, 'healthCheck'> {
    const h = app.healthChecks.find((x) => !isMarathonLevel(x));
    if (!h) return {};
    const port = h.port ?? inst.ports[h.portIndex ?? 0] ?? 0;
    const common = { delaySeconds: h.delaySeconds, intervalSeconds: h.intervalSeconds, timeoutSeconds: h.timeoutSeconds, consecutiveFailures: h.maxConsecutiveFailures, gracePeriodSeconds: h.gracePeriodSeconds };
    if (h.protocol === 'COMMAND') return { healthCheck: { type: 'COMMAND', command: { value: h.command?.value ?? 'false', shell: true }, ...common } };
    if (h.protocol === 'MESOS_TCP') return { healthCheck: { type: 'TCP', tcp: { port }, ...common } };
    return { healthCheck: { type: 'HTTP', http: { scheme: h.protocol === 'MESOS_HTTPS' ? 'https' : 'http', port, path: h.path ?? '/' }, ...common } };
  }

  // --- status updates ----------------------------------------------------------------------

  private onUpdate(s: TaskStatus__Output): void {
    const taskId = s.taskId?.value ?? '';
    this.deps.log.debug({ taskId, agentId: s.agentId?.value, state: s.state, reason: s.reason, message: s.message }, 'status update');
    const inst = this.instanceByTask(taskId);
    const nowIso = new Date(this.deps.clock.now()).toISOString();
    if (!inst) {
      // A task we do not know (forgotten, expunged, from an older incarnation): it must not run.
      if (!isTerminalState(s.state) && s.state !== 'TASK_UNREACHABLE') this.driver?.kill(taskId, s.agentId?.value);
      else if (isTerminalState(s.state)) {
        const of = instanceOfTask(taskId);
        if (of) this.deps.events.publish('unknown_instance_terminated_event', { instanceId: of.instanceId, runSpecId: of.appId, condition: condition(s.state) });
      }
      return;
    }
    const app = this.apps.get(inst.appId);
    const changed = inst.state !== s.state;
    inst.state = s.state;
    inst.message = s.message || undefined;
    if (s.agentId?.value) inst.agentId = s.agentId.value;
    if (s.state === 'TASK_RUNNING' && !inst.startedAt) inst.startedAt = nowIso;
    if (s.healthy !== undefined && app && s.reason === 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED') {
      const index = app.healthChecks.findIndex((x) => !isMarathonLevel(x));
      if (index >= 0) {
        const prev = inst.health?.[index];
        const now = this.deps.clock.now();
        const state: HealthState = s.healthy
          ? { alive: true, consecutiveFailures: 0, firstSuccess: prev?.firstSuccess ?? now, lastSuccess: now, lastFailure: prev?.lastFailure, lastFailureCause: prev?.lastFailureCause }
          : { ...(prev ?? { consecutiveFailures: 0 }), alive: false, consecutiveFailures: (prev?.consecutiveFailures ?? 0) + 1, lastFailure: now, lastFailureCause: s.message };
        (inst.health ??= {})[index] = state;
        this.deps.events.publish('health_status_changed_event', { appId: app.id, instanceId: inst.instanceId, taskId, version: inst.appVersion, alive: s.healthy });
        this.deps.events.publish('instance_health_changed_event', { instanceId: inst.instanceId, runSpecId: app.id, runSpecVersion: inst.appVersion, healthy: isHealthy(inst, app.healthChecks.length) });
      }
    }
    this.deps.events.publish('status_update_event', {
      slaveId: inst.agentId, taskId, taskStatus: s.state, message: s.message, appId: inst.appId, host: inst.host,
      ipAddresses: inst.host ? [{ ipAddress: inst.host, protocol: 'IPv4' }] : [], ports: inst.ports, version: inst.appVersion,
    });
    if (changed) this.deps.events.publish('instance_changed_event', { instanceId: inst.instanceId, condition: condition(s.state), runSpecId: inst.appId, agentId: inst.agentId, host: inst.host, runSpecVersion: inst.appVersion });

    if (isTerminalState(s.state)) {
      if (s.state !== 'TASK_KILLED' && s.state !== 'TASK_FINISHED' && app) {
        this.lastTaskFailure.set(inst.appId, { appId: inst.appId, host: inst.host ?? '', message: s.message, state: s.state, taskId, timestamp: nowIso, version: inst.appVersion, slaveId: inst.agentId ?? '' });
      }
      if (app && LIMIT_WORTHY.has(s.state) && inst.goal === 'running') this.delays.set(app.id, onTaskFailure(app, this.delays.get(app.id), this.deps.clock.now()));
      if (inst.goal === 'decommissioned') this.forget(inst);
      else this.persist('saveInstance', this.deps.repo.saveInstance(inst));
    } else if (s.state === 'TASK_UNREACHABLE') {
      const strategy = app?.unreachableStrategy;
      // Marathon's default {0, 0}: replace at once, and kill the old one if it ever comes back.
      if (strategy !== 'disabled' && strategy && strategy.inactiveAfterSeconds === 0) this.decommission(inst);
      else this.persist('saveInstance', this.deps.repo.saveInstance(inst));
    } else {
      if (inst.goal === 'decommissioned' && s.state === 'TASK_RUNNING') this.killInstanceTask(inst);
      this.persist('saveInstance', this.deps.repo.saveInstance(inst));
    }
    this.converge();
  }

  // --- service ports -----------------------------------------------------------------------

  /**
   * Gives `port: 0` definitions a service port from 10000-20000 no other app uses (Marathon's
   * --local_port_min/max). `used` holds the ports taken so far and receives this app's.
   */
  private assignServicePorts(app: AppDefinition, used: Set<number>): AppDefinition {
    const previous = this.apps.get(app.id);
    const mappings = portMappingsOf(app);
    for (const p of [...app.portDefinitions.map((d) => d.port), ...mappings.map((m) => m.servicePort)]) if (p !== 0) used.add(p);
    let next = this.config.localPortMin;
    const assign = (port: number, keep: number | undefined): number => {
      if (port !== 0) return port;
      if (keep && !used.has(keep)) {
        used.add(keep);
        return keep;
      }
      while (used.has(next) && next <= this.config.localPortMax) next++;
      if (next > this.config.localPortMax) throw new StrataError('NO_SERVICE_PORTS', 'No free service ports left in the configured range', { status: 422, details: [{ path: '/portDefinitions', errors: ['No free service ports left in the configured range'] }] });
      used.add(next);
      return next;
    };
    const portDefinitions = app.portDefinitions.map((p, i) => ({ ...p, port: assign(p.port, previous?.portDefinitions[i]?.port) }));
    const before = previous ? portMappingsOf(previous) : [];
    const container = mappings.length ? { ...app.container, portMappings: mappings.map((m, i) => ({ ...m, servicePort: assign(m.servicePort, before[i]?.servicePort) })) } : app.container;
    return { ...app, portDefinitions, ...(container ? { container } : {}) };
  }

  planJson(d: Deployment) {
    return { id: d.id, version: d.version, steps: d.steps, affectedApps: d.affectedApps };
  }
}

/**
 * A definition stored before `networks` existed, in today's shape (networks, portMappings on the
 * container), so comparing it with a re-sent definition finds no change where there is none.
 */
function withNetworks(app: AppDefinition): AppDefinition {
  if (app.networks) return app;
  const n = normalizeNetworking({ container: app.container });
  return { ...app, networks: n.networks, ...(n.container ? { container: n.container } : {}) };
}

/** Most instances one converge pass creates (see addInstances). */
const INSTANCES_PER_PASS = 500;

/** Dependencies an app inherits from the groups (id -> dependencies) it sits in. */
export function inheritedDependencies(groups: Map<string, string[]>, appId: string): string[] {
  const out: string[] = [];
  for (const [id, deps] of groups) if (id === '/' || appId.startsWith(`${id}/`)) out.push(...deps);
  return out;
}

/** Marathon's instance condition names for Mesos states. */
export function condition(state: string): string {
  const map: Record<string, string> = {
    TASK_STAGING: 'Staging', TASK_STARTING: 'Starting', TASK_RUNNING: 'Running', TASK_KILLING: 'Killing', TASK_KILLED: 'Killed',
    TASK_FAILED: 'Failed', TASK_FINISHED: 'Finished', TASK_ERROR: 'Error', TASK_UNREACHABLE: 'Unreachable', TASK_GONE: 'Gone',
    TASK_DROPPED: 'Dropped', TASK_LOST: 'Unreachable', TASK_UNKNOWN: 'Unknown',
  };
  return map[state] ?? 'Unknown';
}
