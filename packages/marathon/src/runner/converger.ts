import { randomUUID } from 'node:crypto';
import { OfferInterest } from '@strata/sdk/offers';
import type { DeploymentManager } from './deployment-manager';
import { replaceStep } from '../deployment/rolling-replace';
import { healthyCount, readyCount } from '../instances/counts';
import { isHealthy, isLive, killOrder, needsLaunch, newInstance, type Instance } from '../instances/instance';
import type { InstanceLifecycle } from './instance-lifecycle';
import { isDelayed } from '../launch-queue/backoff';
import type { AppDefinition } from '../model/app-definition';
import type { MarathonContext } from '../marathon-state';

/** Most instances one converge pass creates (see addInstances). */
const INSTANCES_PER_PASS = 500;

/**
 * Moves every app one step towards its definition: scale up or down, or one rolling-replace
 * step (deployment/rolling-replace.ts decides how many); deletes apps whose instances are gone;
 * then deployments advance and offer interest follows demand (revive/suppress).
 */
export class Converger {
  /** Instances created in the current pass, and whether another pass is already asked for. */
  private addedThisPass = 0;
  private morePending = false;
  private readonly interest = new OfferInterest();
  stopped = false;

  constructor(
    private readonly ctx: MarathonContext,
    private readonly parts: { deployments: DeploymentManager; instances: InstanceLifecycle; defer: (fn: () => void) => void },
  ) {}

  pass(): void {
    const { state } = this.ctx;
    this.addedThisPass = 0;
    for (const appId of state.deleting.keys()) this.convergeDeletion(appId);
    for (const app of state.apps.values()) this.convergeApp(app);
    // Apps of the next step may move now.
    if (this.parts.deployments.advance()) this.parts.defer(() => this.ctx.converge());
    this.updateOfferInterest();
  }

  /** After (re)subscribing the master knows nothing of our interest: start from "revived". */
  resetOfferInterest(): void {
    this.interest.reset();
  }

  /** What the offer handler left waiting, so the next interest update compares against it. */
  setLaunchable(n: number): void {
    this.interest.leftAfterOffers(n);
  }

  private convergeDeletion(appId: string): void {
    const { state, deps } = this.ctx;
    const all = state.instances.ofApp(appId);
    for (const i of all) if (i.goal !== 'decommissioned') this.parts.instances.decommission(i, 'app deleted');
    if (all.length === 0) {
      // Its record went when the delete was accepted; only its instances were left to stop.
      state.deleting.delete(appId);
      state.delays.delete(appId);
      deps.events.publish('app_terminated_event', { appId });
    }
  }

  private convergeApp(app: AppDefinition): void {
    const { state } = this.ctx;
    if (state.deleting.has(app.id) || this.parts.deployments.heldBack(app.id)) return;
    const all = state.instances.ofApp(app.id);
    const wanted = all.filter((i) => i.goal === 'running');
    const outdated = wanted.filter((i) => i.appVersion !== app.version && versionNeedsRestart(app, i.appVersion));
    // An old instance without a live task holds no capacity and must not come back: relaunched,
    // it would run the new version outside the replace step's count (one more new instance than
    // planned, killed again as surplus). The step starts new instances in its place.
    for (const i of outdated) if (!isLive(i)) this.parts.instances.decommission(i, 'old version, no live task');
    const old = outdated.filter(isLive);
    // Instances of a version that differs only in scale carry over to the new version.
    for (const i of wanted) if (i.appVersion !== app.version && !outdated.includes(i)) i.appVersion = app.version;
    const fresh = wanted.filter((i) => !outdated.includes(i));
    if (old.length === 0) {
      if (fresh.length < app.instances) this.addInstances(app, app.instances - fresh.length);
      else if (fresh.length > app.instances) for (const i of killOrder(fresh, app.killSelection).slice(0, fresh.length - app.instances)) this.parts.instances.decommission(i, `scale down: ${fresh.length} of ${app.instances}`);
      return;
    }
    const step = replaceStep({
      target: app.instances,
      minimumHealthCapacity: app.upgradeStrategy.minimumHealthCapacity,
      maximumOverCapacity: app.upgradeStrategy.maximumOverCapacity,
      oldActive: all.filter((i) => i.appVersion !== app.version && (i.goal === 'running' || isLive(i))).length,
      oldWanted: old.length,
      oldHealthy: healthyCount(app, old),
      newStarted: fresh.length,
      newHealthy: readyCount(app, fresh),
    });
    // Unhealthy old instances go first, then Marathon's usual order.
    const healthy = (i: Instance) => isHealthy(i, app.healthChecks.length);
    const victims = [...old.filter((i) => !healthy(i)), ...killOrder(old.filter(healthy), app.killSelection)];
    for (const i of victims.slice(0, step.killOld)) this.parts.instances.decommission(i, 'replaced by the new version');
    this.addInstances(app, step.startNew);
  }

  /**
   * Adds up to `n` instances, at most INSTANCES_PER_PASS in one pass: a scale to thousands is
   * spread over turns of the event loop (the next pass follows at once), so the API and status
   * updates are served in between.
   */
  private addInstances(app: AppDefinition, n: number): void {
    const { state, deps } = this.ctx;
    const now = Math.min(n, INSTANCES_PER_PASS - this.addedThisPass);
    for (let i = 0; i < now; i++) {
      const inst = newInstance(app.id, app.version, randomUUID());
      state.instances.track(inst);
      this.ctx.persist('saveInstance', deps.repo.saveInstance(inst));
    }
    this.addedThisPass += now;
    if (now < n && !this.morePending) {
      this.morePending = true;
      this.parts.defer(() => {
        this.morePending = false;
        if (!this.stopped) this.ctx.converge();
      });
    }
  }

  /** Revive/suppress on demand (the SDK's OfferInterest); instances in backoff still wait, so they keep us unsuppressed. */
  updateOfferInterest(): void {
    const { state, deps } = this.ctx;
    const now = deps.clock.now();
    const all = [...state.instances.values()];
    const launchable = all.filter((i) => needsLaunch(i) && state.apps.has(i.appId) && !isDelayed(state.delays.get(i.appId), now)).length;
    const call = this.interest.next(launchable, launchable > 0 || all.some(needsLaunch));
    if (call === 'revive') this.ctx.driver()?.revive();
    else if (call === 'suppress') this.ctx.driver()?.suppress();
  }

}

/** Whether instances of `version` must be replaced to reach `app` (a scale-only change does not). */
function versionNeedsRestart(app: AppDefinition, version: string): boolean {
  return version < app.versionInfo.lastConfigChangeAt;
}
