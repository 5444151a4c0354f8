import { aclAllows } from '@strata/lib/acls';
import { StrataError } from '@strata/lib/errors';
import type { Call__Output, Event, FrameworkInfo__Output } from '@strata/proto';
import { offerShapesOf } from '../allocator/offer-shapes';
import { taskKey, type FrameworkEntry, type Outbox } from '../registry';
import type { MasterContext } from '../master-context';
import { validFrameworkInfo, validFrameworkUpdate } from './framework-info';
import { rolesOf } from './framework-registry';

/**
 * A framework's life on this master: SUBSCRIBE (new or failing over), disconnection and the
 * failover timer, UPDATE_FRAMEWORK, adoption from an agent's report after a restart, removal.
 */
export class FrameworkLifecycle {
  /** UPDATE_FRAMEWORK calls in flight, chained per framework. */
  private readonly updates = new Map<string, Promise<unknown>>();
  private nextFramework = 0;

  constructor(private readonly ctx: MasterContext) {}

  /**
   * Handles SUBSCRIBE: a new framework gets an id; a known id fails over to this stream.
   * `authenticated`: the principal the stream authenticated as; the framework's own principal
   * must be it (or is set to it), and the ACLs must let it register with each of its roles.
   */
  async subscribe(call: Call__Output, outbox: Outbox<Event>, authenticated?: string): Promise<string> {
    const { frameworks, store, clock, allocator, agents, allocation, config, log } = this.ctx;
    if (call.type !== 'SUBSCRIBE' || !call.subscribe?.frameworkInfo) {
      throw new StrataError('NOT_SUBSCRIBED', 'the first call on a stream must be SUBSCRIBE with framework_info', { status: 400 });
    }
    const info = call.subscribe.frameworkInfo;
    const requestedId = info.id?.value || call.frameworkId?.value || '';
    if (info.id?.value && call.frameworkId?.value && info.id.value !== call.frameworkId.value) {
      throw new StrataError('INVALID_FRAMEWORK', "'framework_id' differs from 'subscribe.framework_info.id'", { status: 400 });
    }
    const { roles, minAllocatable } = validFrameworkInfo(info);
    if (authenticated !== undefined && info.principal && info.principal !== authenticated) {
      throw new StrataError('FORBIDDEN', `Framework principal '${info.principal}' does not match authenticated principal '${authenticated}'`, { context: { principal: info.principal, authenticated } });
    }
    const principal = info.principal || authenticated || '';
    this.authorizeRoles(principal, roles);
    const now = clock.now();
    let fw = requestedId ? frameworks.get(requestedId) : undefined;
    if (requestedId && !fw && !frameworks.isKnown(requestedId)) {
      throw new StrataError('UNKNOWN_FRAMEWORK', `Framework '${requestedId}' is unknown (it was never registered, or has been removed)`, { status: 404, context: { frameworkId: requestedId } });
    }
    const id = requestedId || `${this.ctx.id}-${String(this.nextFramework++).padStart(4, '0')}`;
    const stored: FrameworkInfo__Output = { ...info, id: { value: id }, roles, principal };
    await store.putFramework(id, { info: stored, registeredAt: fw?.registeredAt ?? now });
    // Look again after the write: an agent that reregistered meanwhile may have brought this
    // framework back with its tasks (adopt). A new entry would drop them, and the framework
    // would be told they are gone while they run on.
    fw = frameworks.get(id);
    if (fw) {
      fw.failoverTimer?.cancel();
      fw.failoverTimer = undefined;
      if (fw.outbox && fw.outbox !== outbox) {
        fw.outbox.send({ type: 'ERROR', error: { message: 'Framework failed over' } });
        fw.outbox.close();
        allocation.returnFrameworkOffers(id);
      }
      frameworks.setInfo(fw, stored);
    } else {
      fw = frameworks.add(id, stored, now);
    }
    fw.outbox = outbox;
    allocator.addFramework(id, { roles, suppressedRoles: call.subscribe.suppressedRoles, minAllocatable });
    if (requestedId) {
      // Updates it missed while away are waiting on agents: ask for them now, not at the next retry.
      for (const agent of agents.values()) agent.outbox?.send({ frameworkReconnected: { frameworkId: { value: id } } });
    }
    outbox.send({
      type: 'SUBSCRIBED',
      subscribed: { frameworkId: { value: id }, heartbeatIntervalSeconds: config.heartbeatIntervalMs / 1000, masterInfo: this.ctx.masterInfo() },
    });
    log.info({ frameworkId: id, name: info.name, roles }, requestedId ? 'framework resubscribed' : 'framework subscribed');
    allocation.schedule();
    return id;
  }

  /**
   * A framework an agent reports running tasks for, before the framework itself resubscribed
   * (the master restarted). It is kept disconnected, with its failover timeout running, so its
   * tasks are adopted rather than killed.
   */
  adopt(id: string, info: FrameworkInfo__Output): void {
    const { frameworks, clock, allocator, config } = this.ctx;
    const fw = frameworks.add(id, info, clock.now());
    const roles = rolesOf(info);
    allocator.addFramework(id, { roles, active: false, minAllocatable: offerShapesOf(info, roles) });
    const timeoutMs = Math.max(info.failoverTimeout * 1000, config.recoveredFrameworkGraceMs);
    fw.failoverTimer = clock.after(timeoutMs, () => this.remove(fw, 'failover timeout elapsed before the framework resubscribed'), { unref: true });
  }

  disconnected(frameworkId: string, outbox: Outbox<Event>): void {
    const { frameworks, allocator, allocation, clock, log } = this.ctx;
    const fw = frameworks.get(frameworkId);
    if (!fw || fw.outbox !== outbox) return;
    fw.outbox = undefined;
    allocator.setFrameworkActive(frameworkId, false);
    allocation.returnFrameworkOffers(frameworkId);
    const timeoutMs = fw.info.failoverTimeout * 1000;
    log.info({ frameworkId, failoverTimeoutMs: timeoutMs }, 'framework disconnected');
    if (timeoutMs <= 0) this.remove(fw, 'framework disconnected with failover_timeout 0');
    else fw.failoverTimer = clock.after(timeoutMs, () => this.remove(fw, 'failover timeout elapsed'), { unref: true });
  }

  /** UPDATE_FRAMEWORK, one after another per framework: each is stored before it applies, and a later update must not be overwritten by an earlier write. */
  update(fw: FrameworkEntry, call: Call__Output): void {
    const next = (this.updates.get(fw.id) ?? Promise.resolve())
      .then(() => this.applyUpdate(fw, call))
      .catch((err: unknown) => this.ctx.messages.error(fw, (err as Error).message))
      .finally(() => {
        if (this.updates.get(fw.id) === next) this.updates.delete(fw.id);
      });
    this.updates.set(fw.id, next);
  }

  /** Stored first, then applied; offers in roles it no longer has are rescinded. */
  private async applyUpdate(fw: FrameworkEntry, call: Call__Output): Promise<void> {
    const { frameworks, store, allocator, offers, allocation, log } = this.ctx;
    const info = validFrameworkUpdate(fw.info, call.updateFramework?.frameworkInfo, fw.id);
    const { roles, minAllocatable } = validFrameworkInfo(info);
    this.authorizeRoles(fw.info.principal, roles.filter((r) => !rolesOf(fw.info).includes(r)));
    const stored: FrameworkInfo__Output = { ...info, id: { value: fw.id }, roles };
    await store.putFramework(fw.id, { info: stored, registeredAt: fw.registeredAt });
    if (!frameworks.has(fw.id)) return; // removed while the write was in flight
    frameworks.setInfo(fw, stored);
    allocator.addFramework(fw.id, { roles, suppressedRoles: call.updateFramework!.suppressedRoles, minAllocatable });
    for (const o of offers.forFramework(fw.id)) {
      if (roles.includes(o.role)) continue;
      offers.remove(o.id);
      allocation.rescind(o);
    }
    log.info({ frameworkId: fw.id, roles }, 'framework updated');
    allocation.schedule();
  }

  /** Mesos's register_frameworks ACL, role by role (the object is the role). */
  private authorizeRoles(principal: string, roles: string[]): void {
    const refused = roles.filter((r) => !aclAllows(this.ctx.acls, 'register_frameworks', principal || undefined, r));
    if (refused.length) throw new StrataError('FORBIDDEN', `Not authorized to use roles '${refused.join(',')}'`, { context: { principal, roles: refused } });
  }

  /** Teardown or failover timeout: its tasks are killed (the agents shut the framework down), its offers rescinded, it is forgotten. */
  remove(fw: FrameworkEntry, why: string): void {
    const { agents, tasks, offers, allocator, frameworks, store, allocation, log } = this.ctx;
    fw.failoverTimer?.cancel();
    fw.failoverTimer = undefined;
    const agentsWithTasks = new Set<string>();
    for (const t of fw.tasks.values()) {
      agentsWithTasks.add(t.agentId);
      tasks.setState(t, 'TASK_KILLED');
      agents.get(t.agentId)?.tasks.delete(taskKey(fw.id, t.id));
      tasks.complete(fw, t); // deleting the entry being visited is safe in a Map iteration
    }
    for (const agentId of agentsWithTasks) agents.get(agentId)?.outbox?.send({ shutdownFramework: { frameworkId: { value: fw.id } } });
    for (const o of offers.removeForFramework(fw.id)) fw.outbox?.send({ type: 'RESCIND', rescind: { offerId: { value: o.id } } });
    allocator.removeFramework(fw.id);
    fw.outbox?.close();
    fw.outbox = undefined;
    frameworks.remove(fw);
    store.forgetFramework(fw.id);
    log.info({ frameworkId: fw.id, why }, 'framework removed');
    allocation.schedule();
  }

  heartbeat(): void {
    for (const fw of this.ctx.frameworks.values()) fw.outbox?.send({ type: 'HEARTBEAT' });
  }

  stop(): void {
    for (const fw of this.ctx.frameworks.values()) {
      fw.failoverTimer?.cancel();
      fw.outbox?.close();
    }
  }
}
