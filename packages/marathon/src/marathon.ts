import { StrataError, type HealthState } from '@strata/lib';
import { frameworkDriver, type SchedulerDriver } from '@strata/sdk';
import type { MarathonConfig } from './config';
import type { Deployment } from './deployment/deployment';
import type { AppChange } from './deployment/planner';
import { HealthMonitor } from './health/health-monitor';
import { ReadinessMonitor } from './health/readiness-monitor';
import { isHealthy, isLive, type Instance } from './instances/instance';
import { InstanceTracker } from './instances/instance-tracker';
import type { AppDefinition } from './model/app-definition';
import { DEFAULT_LIMITS, type MarathonLimits } from './model/limits';
import { withNetworks } from './model/networking';
import { Converger } from './runner/converger';
import { DeploymentManager } from './runner/deployment-manager';
import { InstanceLifecycle } from './runner/instance-lifecycle';
import { OfferHandler } from './runner/offer-handler';
import { StatusHandler } from './runner/status-handler';
import type { GroupRecord, MarathonContext, MarathonDeps, MarathonState } from './marathon-state';

export type { MarathonConfig } from './config';
export type { GroupRecord, LastTaskFailure } from './marathon-state';
export { AppLockedError } from './runner/deployment-manager';

/**
 * The init framework: wires its state, the runners (runner/: converger, deployments, offers,
 * status updates) and the health monitors, and is what the API talks to. Every event (an API
 * change, an offer, a status update) ends in converge(). Rules are pure modules in model/,
 * deployment/, instances/ and launch-queue/; docs/ARCHITECTURE.md has the map.
 */
export class Marathon implements MarathonState {
  readonly apps = new Map<string, AppDefinition>();
  readonly instances = new InstanceTracker();
  readonly deployments = new Map<string, Deployment>();
  readonly delays: MarathonState['delays'] = new Map();
  readonly lastTaskFailure: MarathonState['lastTaskFailure'] = new Map();
  readonly queueStats: MarathonState['queueStats'] = new Map();
  readonly groups = new Map<string, GroupRecord>();
  readonly agents: MarathonState['agents'] = new Map();
  readonly deleting = new Map<string, AppDefinition>();
  driver?: SchedulerDriver;
  frameworkId?: string;
  /** True once the stored state is in memory: before that the API must not answer from an empty Marathon. */
  loaded = false;
  private converging = false;
  private readonly ctx: MarathonContext;
  private readonly deploymentManager: DeploymentManager;
  private readonly lifecycle: InstanceLifecycle;
  private readonly converger: Converger;
  private readonly offers: OfferHandler;
  private readonly updates: StatusHandler;
  private readonly health: HealthMonitor;
  private readonly readiness: ReadinessMonitor;

  constructor(
    readonly config: MarathonConfig,
    private readonly deps: MarathonDeps,
  ) {
    this.ctx = {
      config,
      state: this,
      deps,
      driver: () => this.driver,
      converge: () => this.converge(),
      persist: (what, write) => {
        write.catch((err: unknown) => deps.log.error({ err, what }, 'state write failed'));
      },
      version: () => this.version(),
    };
    this.deploymentManager = new DeploymentManager(this.ctx);
    this.lifecycle = new InstanceLifecycle(this.ctx);
    this.converger = new Converger(this.ctx, { deployments: this.deploymentManager, instances: this.lifecycle, defer: setImmediate });
    this.offers = new OfferHandler(this.ctx, this.converger);
    this.updates = new StatusHandler(this.ctx, this.lifecycle);
    this.health = new HealthMonitor(deps.clock, (inst, index, state, changed, kill) => this.onHealth(inst, index, state, changed, kill));
    this.readiness = new ReadinessMonitor(deps.clock, (inst) => {
      this.ctx.persist('saveInstance', deps.repo.saveInstance(inst));
      this.converge();
    });
  }

  // --- lifecycle ---------------------------------------------------------------------------

  async start(): Promise<void> {
    const repo = this.deps.repo;
    for (const app of await repo.apps()) this.apps.set(app.id, withNetworks(app));
    for (const inst of await repo.instances()) this.instances.track(inst);
    for (const d of await repo.deployments()) this.deployments.set(d.id, d);
    for (const g of await repo.groups()) this.groups.set(g.id, g);
    for (const d of this.deployments.values()) for (const app of d.affectedApps) if (!this.apps.has(app) && d.original[app]) this.deleting.set(app, d.original[app]);
    this.frameworkId = await repo.frameworkId();
    this.loaded = true;
    this.deps.log.info({ apps: this.apps.size, instances: this.instances.size, deployments: this.deployments.size, frameworkId: this.frameworkId }, 'state loaded');

    const { events, log } = this.deps;
    this.driver = frameworkDriver({
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
      },
      frameworkId: this.frameworkId,
      ...(this.config.masterCredential ? { credential: this.config.masterCredential } : {}),
      saveFrameworkId: (id) => this.deps.repo.saveFrameworkId(id),
      handlers: {
        subscribed: (id, again) => this.onSubscribed(id, again),
        offers: (offers) => this.offers.handle(offers),
        update: (s) => this.updates.handle(s),
        disconnected: (why) => events.publish('scheduler_disconnected_event', { message: why }),
      },
      log,
      ...(this.deps.acting ? { acting: this.deps.acting } : {}),
    });
    await this.driver.subscribe(30_000);
  }

  stop(): void {
    this.converger.stopped = true;
    this.health.stop();
    this.readiness.stop();
    this.driver?.close();
  }

  private onSubscribed(id: string, again: boolean): void {
    this.frameworkId = id;
    this.deps.events.publish(again ? 'scheduler_reregistered_event' : 'scheduler_registered_event', { frameworkId: id, master: this.config.master });
    this.converger.resetOfferInterest();
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

  /** Moves every app one step towards its definition and updates deployments. Re-entrant calls coalesce. */
  converge(): void {
    if (this.converging) return;
    this.converging = true;
    try {
      this.converger.pass();
      this.health.sync(this.apps, this.instances.values());
      this.readiness.sync(this.apps, this.instances.values(), (appId) => this.lockedBy(appId).length > 0);
    } finally {
      this.converging = false;
    }
  }

  private onHealth(inst: Instance, index: number, state: HealthState, changed: boolean, kill: boolean): void {
    const app = this.apps.get(inst.appId);
    if (!app) return;
    const events = this.deps.events;
    if (state.alive === false) events.publish('failed_health_check_event', { appId: app.id, instanceId: inst.instanceId, taskId: inst.taskId, healthCheck: app.healthChecks[index] });
    if (changed) {
      events.publish('health_status_changed_event', { appId: app.id, instanceId: inst.instanceId, taskId: inst.taskId, version: inst.appVersion, alive: state.alive === true });
      events.publish('instance_health_changed_event', { instanceId: inst.instanceId, runSpecId: app.id, runSpecVersion: inst.appVersion, healthy: isHealthy(inst, app.healthChecks.length) });
    }
    if (kill) {
      events.publish('unhealthy_instance_kill_event', { appId: app.id, taskId: inst.taskId, instanceId: inst.instanceId, version: inst.appVersion, reason: `${app.healthChecks[index]!.protocol} health check failed ${state.consecutiveFailures} times: ${state.lastFailureCause ?? ''}`, host: inst.host, slaveId: inst.agentId });
      this.lifecycle.kill(inst, 'unhealthy'); // goal stays running: it is replaced
    }
    if (changed) this.ctx.persist('saveInstance', this.deps.repo.saveInstance(inst)); // deployments resume from stored health after a restart
    if (changed || kill) this.converge();
  }

  // --- API operations ----------------------------------------------------------------------

  get limits(): MarathonLimits {
    return this.config.limits ?? DEFAULT_LIMITS;
  }

  version(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  lockedBy(appId: string): string[] {
    return this.deploymentManager.lockedBy(appId);
  }

  deploy(changes: AppChange[], force: boolean, groups: GroupRecord[] = [], opts: { dryRun?: boolean } = {}): Promise<Deployment> {
    return this.deploymentManager.deploy(changes, force, groups, opts);
  }

  rollback(deploymentId: string, force: boolean): Promise<Deployment | undefined> {
    return this.deploymentManager.rollback(deploymentId, force);
  }

  /** Kills tasks on request; with `scale` the app's instances shrink by as many (one deployment). */
  async killTasks(taskIds: string[], scale: boolean, force = true): Promise<{ killed: Instance[]; deployment?: Deployment }> {
    const killed: Instance[] = [];
    for (const t of taskIds) {
      const inst = this.instances.byTask(t);
      if (!inst) throw new StrataError('NOT_FOUND', `Task '${t}' does not exist`, { status: 404 });
      killed.push(inst);
    }
    if (!scale) {
      for (const inst of killed) this.lifecycle.kill(inst, 'asked through the API');
      return { killed };
    }
    const byApp = new Map<string, Instance[]>();
    for (const i of killed) byApp.set(i.appId, [...(byApp.get(i.appId) ?? []), i]);
    const changes = [...byApp].filter(([appId]) => this.apps.has(appId)).map(([appId, list]) => {
      const before = this.apps.get(appId)!;
      return { before, after: { ...before, instances: Math.max(0, before.instances - list.length), version: this.version() } };
    });
    for (const i of killed) this.lifecycle.decommission(i, 'killed and scaled through the API'); // the named ones, not whatever the kill order would pick
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
    return this.instances.byTask(taskId);
  }

  async deleteGroup(id: string): Promise<void> {
    for (const g of [...this.groups.keys()]) {
      if (g === id || g.startsWith(`${id}/`)) {
        this.groups.delete(g);
        await this.deps.repo.deleteGroup(g);
      }
    }
  }
}
