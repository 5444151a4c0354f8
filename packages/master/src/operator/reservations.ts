import { StrataError } from '@strata/lib/errors';
import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';
import { reservationProblem, type ReservationChange } from '../offers';
import type { MasterContext } from '../master-context';

/**
 * Dynamic reservations, from a framework's RESERVE/UNRESERVE operations or the operator's
 * /reserve and /unreserve: recorded, told to the allocator and stored per agent.
 */
export class Reservations {
  constructor(private readonly ctx: MasterContext) {}

  /** `held`: the resources are in the framework's offer; `free`: they are the agent's free resources. */
  apply(agentId: string, changes: ReservationChange[], source: 'free' | 'held'): boolean {
    const { allocator, dynamic, log } = this.ctx;
    let applied = 0;
    for (const c of changes) {
      const ok = c.type === 'RESERVE' ? allocator.reserve(agentId, c.role, c.resources, source) : allocator.unreserve(agentId, c.role, c.resources, source);
      if (!ok) break;
      if (c.type === 'RESERVE') dynamic.add(agentId, c.role, c.resources);
      else dynamic.remove(agentId, c.role, c.resources);
      applied++;
      log.info({ agentId, role: c.role, resources: res.formatResources(c.resources) }, c.type === 'RESERVE' ? 'resources reserved' : 'resources unreserved');
    }
    // What was applied is stored even if a later change was refused: memory and store agree.
    if (applied) this.store(agentId);
    return applied === changes.length;
  }

  store(agentId: string): void {
    this.ctx.store.putReservations(agentId, this.ctx.dynamic.record(agentId));
  }

  /**
   * The operator's /reserve and /unreserve. Offers on the agent are rescinded first, as Mesos
   * does, so what they held counts as free. False when the agent lacks them (409 in the HTTP API).
   */
  operator(type: 'RESERVE' | 'UNRESERVE', agentId: string, role: string, r: Resources): boolean {
    const { agents, allocator, dynamic, allocation } = this.ctx;
    if (!agents.has(agentId) || !allocator.hasAgent(agentId)) {
      throw new StrataError('UNKNOWN_AGENT', `agent '${agentId}' is not connected`, { status: 404, context: { agentId } });
    }
    const problem = reservationProblem(role, r);
    if (problem) throw new StrataError('INVALID_RESERVATION', problem, { status: 400 });
    if (type === 'UNRESERVE' && !res.contains(dynamic.role(agentId, role), r)) return false;
    allocation.rescindAgentOffers(agentId);
    const ok = this.apply(agentId, [{ type, role, resources: r }], 'free');
    allocation.schedule();
    return ok;
  }
}
