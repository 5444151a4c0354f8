import * as res from '@strata/lib/resources';
import { offerAttributes, offerResources } from '@strata/sdk/offers';
import type { Offer__Output, TaskInfo } from '@strata/proto';
import type { Converger } from './converger';
import { maxCapacityOf } from '../deployment/rolling-replace';
import { healthyCount } from '../instances/counts';
import { isLive, needsLaunch, taskIdFor, type Instance } from '../instances/instance';
import type { AppDefinition } from '../model/app-definition';
import type { MarathonContext, QueueStats } from '../marathon-state';
import { isDelayed } from '../launch-queue/backoff';
import { matchOffer, reasonOf, type AgentView, type Placement } from '../launch-queue/offer-matcher';
import { marathonTaskInfo } from '../launch-queue/task-builder';

/** Marathon's launch queue against an offers event: what waits is matched to each offer, launched or declined. */
export class OfferHandler {
  constructor(
    private readonly ctx: MarathonContext,
    private readonly converger: Converger,
  ) {}

  handle(offers: Offer__Output[]): void {
    const { state, deps, config } = this.ctx;
    const now = deps.clock.now();
    const nowIso = new Date(now).toISOString();
    const queue = [...state.instances.values()].filter((i) => needsLaunch(i) && state.apps.has(i.appId) && !isDelayed(state.delays.get(i.appId), now));
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
        p = state.instances.ofApp(appId).filter((i) => i.agentId && (isLive(i) || i.state === 'TASK_UNREACHABLE') && i.goal === 'running').map((i) => state.agents.get(i.agentId!) ?? { agentId: i.agentId!, hostname: i.host ?? '', attributes: {} });
        placements.set(appId, p);
      }
      return p;
    };
    for (const offer of offers) {
      const { hostname: _, ...attributes } = offerAttributes(offer);
      const agent: AgentView = { agentId: offer.agentId!.value, hostname: offer.hostname, attributes };
      state.agents.set(agent.agentId, agent);
      let available = offerResources(offer);
      const tasks: TaskInfo[] = [];
      const saves: Promise<void>[] = [];
      const role = offer.allocationInfo?.role || '*';
      for (const inst of queue) {
        if (taken.has(inst)) continue;
        const app = state.apps.get(inst.appId)!;
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
        saves.push(deps.repo.saveInstance(inst));
        tasks.push(marathonTaskInfo(app, inst, role, m.resources));
      }
      const waiting = queue.length - taken.size;
      const offerId = offer.id!.value;
      if (!tasks.length) {
        this.ctx.driver()!.decline([offerId], { refuseSeconds: waiting ? 5 : config.declineOfferSeconds });
        continue;
      }
      // The instances are stored before their tasks leave: a leader that dies in between leaves a
      // successor that knows every task it finds running (it would kill one it does not know).
      // The saves of one offer pass go to the store together.
      Promise.all(saves).then(
        () => this.ctx.driver()?.launch([offerId], tasks, { refuseSeconds: waiting ? 0 : 5 }),
        (err: unknown) => {
          deps.log.error({ err, offerId }, 'cannot store the instances to launch; not launching (reconciliation replaces them)');
          this.ctx.driver()?.decline([offerId], { refuseSeconds: 0 });
        },
      );
    }
    this.converger.setLaunchable(queue.length - taken.size);
    this.converger.updateOfferInterest();
  }

  /**
   * The last word on maximumOverCapacity, checked at the moment of launch: during a rolling
   * replace the app never has more live instances than floor(N x (1 + moc)) (+1 when Marathon
   * allows it), whatever converge() decided from a slightly older picture. Returns how many more
   * instances may start now (unbounded outside a replace).
   */
  private launchRoom(app: AppDefinition): number {
    const all = this.ctx.state.instances.ofApp(app.id);
    const replacing = all.some((i) => i.appVersion !== app.version && (i.goal === 'running' || isLive(i)));
    if (!replacing) return Number.POSITIVE_INFINITY;
    const live = all.filter(isLive).length;
    const healthy = healthyCount(app, all.filter((i) => i.goal === 'running'));
    return maxCapacityOf({ target: app.instances, minimumHealthCapacity: app.upgradeStrategy.minimumHealthCapacity, maximumOverCapacity: app.upgradeStrategy.maximumOverCapacity }, healthy) - live;
  }

  private statsFor(appId: string, nowIso: string): QueueStats {
    const q = this.ctx.state.queueStats;
    let s = q.get(appId);
    if (!s) q.set(appId, (s = { processedOffersCount: 0, unusedOffersCount: 0, rejectSummaryLastOffers: {}, since: nowIso }));
    return s;
  }
}
