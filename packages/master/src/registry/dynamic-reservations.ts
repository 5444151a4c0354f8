import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';

/** How an agent's dynamic reservations are stored: role -> scalar quantities. */
export type PersistedReservations = Record<string, Record<string, number>>;

/**
 * Dynamically reserved resources per agent and role (RESERVE operations, the operator's
 * /reserve). Unlike static reservations, which the agent advertises, the master owns these: it
 * stores them (`reservations/<agentId>`) and lays them over what the agent advertises whenever
 * the agent (re)joins.
 */
export class DynamicReservations {
  private readonly byAgent = new Map<string, Map<string, Resources>>();

  of(agentId: string): ReadonlyMap<string, Resources> {
    return this.byAgent.get(agentId) ?? new Map();
  }

  role(agentId: string, role: string): Resources {
    return this.byAgent.get(agentId)?.get(role) ?? res.EMPTY;
  }

  add(agentId: string, role: string, r: Resources): void {
    let roles = this.byAgent.get(agentId);
    if (!roles) this.byAgent.set(agentId, (roles = new Map()));
    roles.set(role, res.add(roles.get(role) ?? res.EMPTY, r));
  }

  remove(agentId: string, role: string, r: Resources): void {
    const roles = this.byAgent.get(agentId);
    const left = res.subtract(roles?.get(role) ?? res.EMPTY, r);
    if (!roles) return;
    if (res.isEmpty(left)) roles.delete(role);
    else roles.set(role, left);
    if (!roles.size) this.byAgent.delete(agentId);
  }

  record(agentId: string): PersistedReservations {
    return Object.fromEntries([...this.of(agentId)].map(([role, r]) => [role, { ...r.scalars }]));
  }

  load(agentId: string, record: PersistedReservations): void {
    for (const [role, scalars] of Object.entries(record)) this.add(agentId, role, res.resources(scalars));
  }

  /**
   * The agent's resources as the allocator sees them: dynamically reserved taken out of the
   * unreserved and added to the role's reservation. A reservation that no longer fits (the agent
   * came back with less) is dropped; the roles dropped are returned so the caller can say so.
   */
  overlay(agentId: string, unreserved: Resources, reserved: ReadonlyMap<string, Resources>): { unreserved: Resources; reserved: Map<string, Resources>; dropped: string[] } {
    const out = new Map(reserved);
    const dropped: string[] = [];
    let rest = unreserved;
    for (const [role, r] of this.of(agentId)) {
      if (!res.contains(rest, r)) {
        dropped.push(role);
        continue;
      }
      rest = res.subtract(rest, r);
      out.set(role, res.add(out.get(role) ?? res.EMPTY, r));
    }
    for (const role of dropped) this.byAgent.get(agentId)?.delete(role);
    return { unreserved: rest, reserved: out, dropped };
  }
}
