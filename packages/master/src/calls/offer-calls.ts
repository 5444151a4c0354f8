import { aclAllows } from '@strata/lib/acls';
import type { Call__Output, TaskInfo__Output } from '@strata/proto';
import { planAccept, planReservations, type OutstandingOffer, type ReservationOp } from '../offers';
import { taskKey, type FrameworkEntry } from '../registry';
import type { MasterContext } from '../master-context';
import type { Reservations } from '../operator/reservations';
import { secretReferences, unresolvable, withSecretValues } from '../secrets';
import { permits, secretResource } from '@strata/lib/permissions';

/** ACCEPT and DECLINE: what a framework does with its offers. */
export class OfferCalls {
  constructor(
    private readonly ctx: MasterContext,
    private readonly reservations: Reservations,
  ) {}

  accept(fw: FrameworkEntry, call: Call__Output): void {
    const { offers, metrics, clock, log, messages, dynamic, agents, tasks, allocator, allocation } = this.ctx;
    const accept = call.accept;
    if (!accept) return messages.error(fw, "Expecting 'accept' to be present");
    const offerIds = accept.offerIds.map((o) => o.value);
    const launches = this.resolvableLaunches(fw, this.authorizedLaunches(fw, accept.operations.flatMap((op) => (op.type === 'LAUNCH' ? op.launch?.taskInfos ?? [] : []))));
    const reservationOps = accept.operations.flatMap((op): ReservationOp[] =>
      op.type === 'RESERVE' ? [{ type: 'RESERVE', resources: op.reserve?.resources ?? [] }] : op.type === 'UNRESERVE' ? [{ type: 'UNRESERVE', resources: op.unreserve?.resources ?? [] }] : [],
    ).filter((op) => this.mayReserve(fw, op));
    const unsupported = accept.operations.find((op) => op.type !== 'LAUNCH' && op.type !== 'RESERVE' && op.type !== 'UNRESERVE');
    const looked = offerIds.map((id) => offers.get(id));
    const plan = planAccept({
      frameworkId: fw.id,
      partitionAware: fw.partitionAware,
      offerIds,
      offers: looked,
      tasks: launches,
      isTaskIdInUse: (taskId) => fw.tasks.has(taskId),
    });
    // Only the caller's own, valid offers are consumed; someone else's offer stays theirs.
    const mine = looked.filter((o): o is OutstandingOffer => !!o && o.frameworkId === fw.id);
    for (const o of mine) offers.remove(o.id);
    if (unsupported) messages.error(fw, `Unsupported offer operation '${unsupported.type}'`);
    metrics.offersAccepted.inc(mine.length);

    for (const r of plan.rejected) {
      log.warn({ frameworkId: fw.id, taskId: r.task.taskId?.value, reason: r.reason }, r.message);
      messages.update(fw, r.task.taskId?.value ?? '', plan.agentId ?? '', r.state, r.reason, r.message);
    }
    const agentId = plan.agentId;
    if (!agentId && reservationOps.length) messages.error(fw, `Dropping ${reservationOps.length} reservation operation(s): ${plan.rejected[0]?.message ?? 'the offers are not valid'}`);
    if (agentId && reservationOps.length) {
      const { changes, errors } = planReservations({ offers: mine, ops: reservationOps, dynamicReserved: (role) => dynamic.role(agentId, role) });
      for (const e of errors) messages.error(fw, e);
      this.reservations.apply(agentId, changes, 'held');
    }
    if (agentId && plan.launch.length) {
      const agent = agents.get(agentId)!;
      // The decoded task itself, given its agent, is recorded and sent (nothing changes it after):
      // no copy, and no spread (a spread-built object encodes several times slower).
      for (const { task, resources } of plan.launch) {
        task.agentId = { value: agentId };
        const entry = tasks.create(fw.id, agentId, task, resources, 'TASK_STAGING');
        tasks.record(fw, entry);
        agent.tasks.add(taskKey(fw.id, entry.id));
      }
      metrics.tasksLaunched.inc(plan.launch.length);
      // Secrets as values in this message alone: the recorded task keeps its references.
      const valueOf = (path: string) => this.ctx.secrets.valueOf(path);
      agent.outbox?.send({ launchTasks: { frameworkInfo: fw.info, tasks: plan.launch.map((p) => withSecretValues(p.task, valueOf)) } });
    }
    if (agentId) {
      allocator.recover(fw.id, agentId, plan.unused, { refuseMs: this.refuseMs(accept.filters?.refuseSeconds), now: clock.now() }, mine[0]?.role);
    }
    allocation.schedule();
  }

  /**
   * Mesos's run_tasks ACL: the framework's principal may run a task as its user (the command's,
   * else the framework's). A refused task ends TASK_ERROR with REASON_TASK_UNAUTHORIZED; its
   * resources go back with the unused rest of the offer.
   */
  private authorizedLaunches(fw: FrameworkEntry, launches: TaskInfo__Output[]): TaskInfo__Output[] {
    const principal = fw.info.principal || undefined;
    return launches.filter((t) => {
      const user = t.command?.user || fw.info.user || undefined;
      if (aclAllows(this.ctx.acls, 'run_tasks', principal, user)) return true;
      const message = `Not authorized to launch as user '${user ?? ''}'`;
      this.ctx.log.warn({ frameworkId: fw.id, taskId: t.taskId?.value, principal, user }, message);
      this.ctx.messages.update(fw, t.taskId?.value ?? '', '', 'TASK_ERROR', 'REASON_TASK_UNAUTHORIZED', message);
      return false;
    });
  }

  /**
   * A task that refers to a secret the store does not have ends TASK_ERROR (REASON_TASK_INVALID),
   * naming it; one whose framework's principal may not read a secret it names (--permissions),
   * REASON_TASK_UNAUTHORIZED.
   */
  private resolvableLaunches(fw: FrameworkEntry, launches: TaskInfo__Output[]): TaskInfo__Output[] {
    const principal = fw.info.principal || undefined;
    return launches.filter((t) => {
      const missing = unresolvable(t, (path) => this.ctx.secrets.has(path));
      const refused = missing ? undefined : secretReferences(t).find((path) => !permits(this.ctx.permissions, principal, 'read', secretResource(path)));
      const why = missing ?? (refused !== undefined ? `Not authorized to use secret '${refused}'` : undefined);
      if (!why) return true;
      this.ctx.log.warn({ frameworkId: fw.id, taskId: t.taskId?.value, principal }, why);
      this.ctx.messages.update(fw, t.taskId?.value ?? '', '', 'TASK_ERROR', missing ? 'REASON_TASK_INVALID' : 'REASON_TASK_UNAUTHORIZED', why);
      return false;
    });
  }

  /** reserve_resources (by role) and unreserve_resources (by the reserver's principal) for a framework's operations. */
  private mayReserve(fw: FrameworkEntry, op: ReservationOp): boolean {
    const principal = fw.info.principal || undefined;
    for (const r of op.resources) {
      const last = r.reservations[r.reservations.length - 1];
      const ok =
        op.type === 'RESERVE' ? aclAllows(this.ctx.acls, 'reserve_resources', principal, last?.role || r.role || undefined) : aclAllows(this.ctx.acls, 'unreserve_resources', principal, last?.principal || undefined);
      if (!ok) {
        this.ctx.messages.error(fw, `Not authorized to ${op.type === 'RESERVE' ? `reserve resources for role '${last?.role || r.role}'` : `unreserve resources reserved by '${last?.principal ?? ''}'`}`);
        return false;
      }
    }
    return true;
  }

  decline(fw: FrameworkEntry, call: Call__Output): void {
    const { offers, messages, clock, allocator, metrics, allocation } = this.ctx;
    const decline = call.decline;
    if (!decline) return messages.error(fw, "Expecting 'decline' to be present");
    const now = clock.now();
    const refuseMs = this.refuseMs(decline.filters?.refuseSeconds);
    for (const { value } of decline.offerIds) {
      const o = offers.get(value);
      if (!o || o.frameworkId !== fw.id) continue; // Mesos ignores declines of invalid offers
      offers.remove(value);
      allocator.recover(fw.id, o.agentId, o.resources, { refuseMs, now }, o.role);
      metrics.offersDeclined.inc();
    }
    allocation.schedule();
  }

  revive(fw: FrameworkEntry, call: Call__Output): void {
    this.ctx.allocator.revive(fw.id, call.revive?.roles ?? []);
    this.ctx.allocation.schedule();
  }

  suppress(fw: FrameworkEntry, call: Call__Output): void {
    this.ctx.allocator.suppress(fw.id, call.suppress?.roles ?? []);
  }

  private refuseMs(refuseSeconds: number | undefined): number {
    const s = refuseSeconds === undefined || refuseSeconds < 0 || !Number.isFinite(refuseSeconds) ? this.ctx.config.defaultRefuseSeconds : refuseSeconds;
    return Math.min(s, 365 * 24 * 3600) * 1000; // Mesos caps filters at a year
  }
}
