import { randomUUID } from 'node:crypto';
import { StrataError, testHook } from '@strata/lib';
import { needsRestart, type AppDefinition } from '../model/app-definition';
import { servicePortsOf } from '../model/networking';
import { assignServicePorts } from '../model/service-ports';
import { isHealthy, isHealthyAndReady } from '../instances/instance';
import type { GroupRecord, MarathonContext } from '../marathon-state';
import type { Deployment } from '../deployment/deployment';
import { planDeployment, planJson, type AppChange } from '../deployment/planner';

export class AppLockedError extends StrataError {
  constructor(readonly deploymentIds: string[]) {
    super('APP_LOCKED', `App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/${deploymentIds[0]}'.`, { status: 409, context: { deploymentIds } });
  }
}

/**
 * Deployments from request to end: planned (deployment/planner.ts), stored with everything they
 * change, advanced step by step as apps reach their definition, cancelled or rolled back.
 */
export class DeploymentManager {
  constructor(private readonly ctx: MarathonContext) {}

  lockedBy(appId: string): string[] {
    return [...this.ctx.state.deployments.values()].filter((d) => d.affectedApps.includes(appId)).map((d) => d.id);
  }

  /**
   * Creates, updates, scales or deletes apps in one deployment. A locked app gives 409 unless
   * `force`, which cancels the deployments holding it (they end with deployment_failed).
   * Everything that can refuse (a cycle, a lock, service ports) is decided, and every record is
   * written, before anything in memory changes: a refused or failed deploy leaves Marathon as it
   * was. `groups` are group records the change brings (a group PUT's dependencies).
   */
  async deploy(changes: AppChange[], force: boolean, groups: GroupRecord[] = [], opts: { dryRun?: boolean } = {}): Promise<Deployment> {
    const { state, deps, config } = this.ctx;
    const { repo, events } = deps;
    const ids = changes.map((c) => (c.after ?? c.before)!.id);
    const stops = changes.filter((c) => !c.after).map((c) => c.before!.id);
    const appIds = [...new Set([...[...state.apps.keys()].filter((id) => !stops.includes(id)), ...changes.flatMap((c) => (c.after ? [c.after.id] : []))])];
    const groupDependencies = new Map([...state.groups].map(([id, g]) => [id, g.dependencies]));
    for (const g of groups) groupDependencies.set(g.id, g.dependencies);
    const version = this.ctx.version();
    const plan = planDeployment({ id: randomUUID(), version, changes, appIds, groupDependencies });
    if (!plan.ok) {
      const reason = `Dependency graph has cyclic dependencies: ${plan.cycle.join(' -> ')}`;
      if (!opts.dryRun) events.publish('group_change_failed', { groupId: '/', version, reason });
      throw new StrataError('INVALID', 'Object is not valid', { status: 422, details: [{ path: '/', errors: [reason] }] });
    }
    const locks = [...new Set(ids.flatMap((id) => this.lockedBy(id)))];
    if (locks.length && !force && !opts.dryRun) {
      events.publish('group_change_failed', { groupId: '/', version, reason: 'App is locked by one or more deployments' });
      throw new AppLockedError(locks);
    }
    const deployment = plan.deployment;
    // Service ports for every new definition, against each other too (may refuse: nothing written yet).
    const taken = new Set<number>();
    for (const other of state.apps.values()) if (!ids.includes(other.id)) for (const p of servicePortsOf(other)) taken.add(p);
    const finals = changes.map((c) => {
      if (!c.after) return { c, app: undefined };
      const app = assignServicePorts(c.after, state.apps.get(c.after.id), taken, { min: config.localPortMin, max: config.localPortMax });
      if (c.before && !needsRestart(c.before, app) && !c.restart) app.versionInfo = { lastScalingAt: app.version, lastConfigChangeAt: c.before.versionInfo.lastConfigChangeAt };
      return { c, app };
    });
    // A preview: the plan as it would run, and nothing written or changed.
    if (opts.dryRun) return deployment;

    await this.writeAll([
      ...locks.map((id) => ({ write: () => repo.deleteDeployment(id), undo: () => repo.saveDeployment(state.deployments.get(id)!) })),
      ...groups.map((g) => ({ write: () => repo.saveGroup(g), undo: () => (state.groups.has(g.id) ? repo.saveGroup(state.groups.get(g.id)!) : repo.deleteGroup(g.id)) })),
      ...finals.filter((f) => f.app).map(({ c, app }) => ({ write: () => (forgetsScale(c.before, app!) ? this.forgetScale(app!) : repo.saveApp(app!)), undo: () => (c.before ? repo.saveApp(c.before) : repo.deleteApp(app!.id)) })),
      // A deleted app goes from the store (and the API) at once, as in Marathon: its instances are stopped after.
      ...finals.filter((f) => !f.app).map(({ c }) => ({ write: () => repo.deleteApp(c.before!.id), undo: () => repo.saveApp(c.before!) })),
      { write: () => repo.saveDeployment(deployment), undo: () => repo.deleteDeployment(deployment.id) },
    ]);

    // Stored: now it takes effect.
    for (const id of locks) this.drop(id, 'canceled by a forced deployment');
    for (const g of groups) state.groups.set(g.id, g);
    for (const { c, app } of finals) {
      if (app) {
        state.apps.set(app.id, app);
        state.deleting.delete(app.id);
        if (!c.before || needsRestart(c.before, app) || c.restart) state.delays.delete(app.id); // a new version starts without backoff
        events.publish('api_post_event', { clientIp: '', uri: `/v2/apps${app.id}`, appDefinition: app });
        this.publishHealthCheckChanges(c.before, app);
      } else {
        state.apps.delete(c.before!.id);
        state.deleting.set(c.before!.id, c.before!);
        this.publishHealthCheckChanges(c.before, undefined);
      }
    }
    state.deployments.set(deployment.id, deployment);
    events.publish('group_change_success', { groupId: '/', version });
    events.publish('deployment_info', { plan: planJson(deployment), currentStep: deployment.steps[deployment.currentStep - 1] });
    this.ctx.converge();
    return deployment;
  }

  /** The planted bug of the `marathon.forget-scale` test hook: the scale is acknowledged and never stored. */
  private async forgetScale(app: AppDefinition): Promise<void> {
    this.ctx.deps.log.warn({ appId: app.id, instances: app.instances, hook: 'marathon.forget-scale' }, 'TEST HOOK: scale acknowledged but not stored');
  }

  /** `DELETE /v2/deployments/{id}`: with force just stop; otherwise revert the apps it changed. */
  async rollback(deploymentId: string, force: boolean): Promise<Deployment | undefined> {
    const { state } = this.ctx;
    const d = state.deployments.get(deploymentId);
    if (!d) throw new StrataError('NOT_FOUND', `DeploymentPlan ${deploymentId} does not exist`, { status: 404 });
    await this.cancel(deploymentId, force ? 'canceled' : 'rolled back');
    if (force) return undefined;
    const changes = d.affectedApps
      .map((id) => {
        const before = d.original[id] ?? undefined;
        const current = state.apps.get(id);
        return { before: current, after: before ? { ...before, version: this.ctx.version() } : undefined, restart: !!before && !!current && needsRestart(current, before) };
      })
      .filter((c) => c.before || c.after);
    return this.deploy(changes, true);
  }

  /** An app whose step in a running deployment has not come yet stays as it is. */
  heldBack(appId: string): boolean {
    for (const d of this.ctx.state.deployments.values()) {
      const step = d.appStep?.[appId];
      if (step !== undefined && step > d.currentStep) return true;
    }
    return false;
  }

  /** Advances deployments step by step (dependencies first) and ends those whose last step is done; true when one advanced. */
  advance(): boolean {
    const { state, deps } = this.ctx;
    let advanced = false;
    for (const d of [...state.deployments.values()]) {
      for (;;) {
        const inStep = Object.entries(d.appStep).filter(([, s]) => s <= d.currentStep).map(([id]) => id);
        if (!inStep.every((id) => this.appDone(id))) break;
        deps.events.publish('deployment_step_success', { plan: planJson(d), currentStep: d.steps[d.currentStep - 1] });
        if (d.currentStep >= d.totalSteps) {
          state.deployments.delete(d.id);
          this.ctx.persist('deleteDeployment', deps.repo.deleteDeployment(d.id));
          deps.events.publish('deployment_success', { id: d.id, plan: planJson(d) });
          break;
        }
        d.currentStep++;
        advanced = true;
        this.ctx.persist('saveDeployment', deps.repo.saveDeployment(d));
        deps.events.publish('deployment_info', { plan: planJson(d), currentStep: d.steps[d.currentStep - 1] });
      }
    }
    return advanced;
  }

  /** Whether an app has reached its definition: N healthy instances of its version and nothing else. */
  private appDone(id: string): boolean {
    const { state } = this.ctx;
    if (state.deleting.has(id)) return false;
    const app = state.apps.get(id);
    if (!app) return true;
    const all = state.instances.ofApp(id);
    const waited = this.lockedBy(id).length > 0;
    const current = all.filter((i) => i.goal === 'running' && i.appVersion === app.version && (waited ? isHealthyAndReady(i, app.healthChecks.length, app.readinessChecks.length) : isHealthy(i, app.healthChecks.length)));
    return current.length === app.instances && all.every((i) => i.goal === 'running' && i.appVersion === app.version);
  }

  private async cancel(id: string, reason: string): Promise<void> {
    if (!this.ctx.state.deployments.has(id)) return;
    await this.ctx.deps.repo.deleteDeployment(id);
    this.drop(id, reason);
  }

  /** Forgets a deployment whose record is already deleted, and says so. */
  private drop(id: string, reason: string): void {
    const { state, deps } = this.ctx;
    const d = state.deployments.get(id);
    if (!d) return;
    state.deployments.delete(id);
    deps.events.publish('deployment_step_failure', { plan: planJson(d), currentStep: d.steps[d.currentStep - 1] });
    deps.events.publish('deployment_failed', { id, plan: planJson(d), reason });
  }

  /**
   * Writes records in order; when one fails, undoes those already written (best effort) and
   * answers 503: a request either stores all it changes or nothing.
   */
  private async writeAll(steps: { write: () => Promise<unknown>; undo: () => Promise<unknown> }[]): Promise<void> {
    const log = this.ctx.deps.log;
    const done: typeof steps = [];
    for (const s of steps) {
      try {
        await s.write();
        done.push(s);
      } catch (err) {
        for (const d of done.reverse()) await d.undo().catch((e: unknown) => log.error({ err: e }, 'undoing a partial write failed'));
        log.error({ err }, 'state write failed; the change was not made');
        throw new StrataError('STATE_WRITE_FAILED', `The change could not be stored, so it was not made: ${(err as Error).message}`, { status: 503, cause: err });
      }
    }
  }

  /** Marathon's add_health_check_event / remove_health_check_event for the checks a change brings or takes away. */
  private publishHealthCheckChanges(before: AppDefinition | undefined, after: AppDefinition | undefined): void {
    const events = this.ctx.deps.events;
    const key = (h: unknown) => JSON.stringify(h);
    const old = new Set((before?.healthChecks ?? []).map(key));
    const now = new Set((after?.healthChecks ?? []).map(key));
    for (const h of after?.healthChecks ?? []) if (!old.has(key(h))) events.publish('add_health_check_event', { appId: after!.id, version: after!.version, healthCheck: h });
    for (const h of before?.healthChecks ?? []) if (!now.has(key(h))) events.publish('remove_health_check_event', { appId: before!.id, healthCheck: h });
  }
}

const FORGET_SCALE = testHook('marathon.forget-scale');
/** A pure scale (same config, new count), when the `marathon.forget-scale` test hook plants its bug. */
function forgetsScale(before: AppDefinition | undefined, after: AppDefinition): boolean {
  return FORGET_SCALE && !!before && !needsRestart(before, after) && before.instances !== after.instances;
}
