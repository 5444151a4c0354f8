import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';
import { dominantShare } from './shares';
import { DeclineFilters } from './decline-filters';
import type { Allocator } from './allocator-interface';
import type { RoleView } from './hierarchical';

export interface OfferProposal {
  frameworkId: string;
  agentId: string;
  role: string;
  resources: Resources;
  /** Set when the resources are the role's static reservation on the agent: the offer marks them so. */
  reservation?: string;
}

export interface FrameworkOptions {
  /** The roles the framework subscribes with; the first is used to allocate until hierarchical roles land. */
  roles: string[];
  active?: boolean;
  suppressedRoles?: string[];
  /**
   * Per role, the offer shapes the framework accepts (Mesos's `offer_filters`): it is passed over
   * for anything holding none of them whole, on every agent, instead of being offered it to decline.
   */
  minAllocatable?: Record<string, readonly Resources[]>;
}

interface AgentState {
  total: Resources;
  /** Offered or used, per framework. */
  allocated: Map<string, Resources>;
  free: Resources;
  active: boolean;
}

interface FrameworkState {
  roles: string[];
  active: boolean;
  suppressed: Set<string>;
  minAllocatable?: Record<string, readonly Resources[]>;
  allocated: Resources;
}

/** Mesos's default --min_allocatable_resources. */
export const DEFAULT_MIN_ALLOCATABLE = 'cpus:0.01|mem:32';

/**
 * Parses Mesos's --min_allocatable_resources: alternatives separated by `|`, each in resource
 * syntax (`cpus:0.01|mem:32`); a free slice is offered only if it holds one of them whole.
 */
export function parseMinAllocatable(text: string): Resources[] {
  const alternatives = text.split('|').map((t) => t.trim()).filter(Boolean).map((t) => res.parseResources(t));
  if (!alternatives.length || alternatives.some(res.isEmpty)) throw new res.ResourcesParseError(text, 'expected alternatives like cpus:0.01|mem:32');
  return alternatives;
}

const DEFAULT_MINIMUMS = parseMinAllocatable(DEFAULT_MIN_ALLOCATABLE);

/**
 * Whether a free slice is worth an offer: it holds one of the minimums whole (by default Mesos's
 * "cpus:0.01|mem:32", so slivers are not offered). An operator whose frameworks all need cpus sets
 * `cpus:0.01`, and memory left beside fully used cpus is no longer offered round every framework.
 */
export function isAllocatable(r: Resources, minimums: readonly Resources[] = DEFAULT_MINIMUMS): boolean {
  return minimums.some((m) => res.contains(r, m));
}

/**
 * Dominant Resource Fairness across frameworks. Pure: no timers, no sockets; callers pass `now`.
 * Each pass walks the agents with free resources and gives all of an agent's free resources to
 * the active, unsuppressed, unfiltered framework with the lowest dominant share, which then
 * moves back in the order (Mesos's HierarchicalDRF with one level of roles).
 *
 * The interface already speaks in roles, so weights, quota and reservations can come in
 * without changing callers.
 */
export class DrfAllocator implements Allocator {
  /** Frameworks only: roles are ignored, so weights and quota have nowhere to go. */
  readonly supportsRoles = false;
  setWeight(): void {}
  setQuota(): void {}
  roleShares(): RoleView[] {
    return [];
  }

  private readonly agents = new Map<string, AgentState>();
  private readonly frameworks = new Map<string, FrameworkState>();
  private readonly filters = new DeclineFilters();
  private clusterTotal: Resources = res.EMPTY;

  // --- agents -----------------------------------------------------------------------------

  /** This allocator has no roles: reservations are pooled with the rest (use the hierarchical allocator to honour them). */
  addAgent(agentId: string, unreserved: Resources, used: Map<string, Resources> = new Map(), active = true, reserved: Map<string, Resources> = new Map()): void {
    if (this.agents.has(agentId)) throw new Error(`agent ${agentId} already added`);
    const total = res.totalOf({ unreserved, reserved });
    let free = total;
    for (const [fw, r] of used) {
      free = res.subtract(free, r);
      this.chargeFramework(fw, r);
    }
    this.agents.set(agentId, { total, allocated: new Map(used), free, active });
    this.clusterTotal = res.add(this.clusterTotal, total);
  }

  removeAgent(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    for (const [fw, r] of agent.allocated) this.unchargeFramework(fw, r);
    this.agents.delete(agentId);
    this.clusterTotal = res.subtract(this.clusterTotal, agent.total);
    this.filters.clearAgent(agentId);
  }

  setAgentActive(agentId: string, active: boolean): void {
    const agent = this.agents.get(agentId);
    if (agent) agent.active = active;
  }

  hasAgent(agentId: string): boolean {
    return this.agents.has(agentId);
  }

  // --- frameworks -------------------------------------------------------------------------

  addFramework(frameworkId: string, opts: FrameworkOptions): void {
    const existing = this.frameworks.get(frameworkId);
    const roles = opts.roles.length ? opts.roles : ['*'];
    if (existing) {
      existing.roles = roles;
      existing.active = opts.active ?? true;
      existing.suppressed = new Set(opts.suppressedRoles ?? []);
      existing.minAllocatable = opts.minAllocatable;
      return;
    }
    this.frameworks.set(frameworkId, {
      roles,
      active: opts.active ?? true,
      suppressed: new Set(opts.suppressedRoles ?? []),
      minAllocatable: opts.minAllocatable,
      // Agents that reregistered before the framework came back already hold its tasks.
      allocated: [...this.agents.values()].reduce((sum, a) => res.add(sum, a.allocated.get(frameworkId) ?? res.EMPTY), res.EMPTY),
    });
  }

  /** Forgets the framework; what it held on agents is freed. */
  removeFramework(frameworkId: string): void {
    for (const agent of this.agents.values()) {
      const held = agent.allocated.get(frameworkId);
      if (held) {
        agent.allocated.delete(frameworkId);
        agent.free = res.add(agent.free, held);
      }
    }
    this.frameworks.delete(frameworkId);
    this.filters.clearFramework(frameworkId);
  }

  setFrameworkActive(frameworkId: string, active: boolean): void {
    const fw = this.frameworks.get(frameworkId);
    if (fw) fw.active = active;
  }

  /** Stops offers to the given roles (all of the framework's roles when none are named). */
  suppress(frameworkId: string, roles: string[] = []): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    for (const r of roles.length ? roles : fw.roles) fw.suppressed.add(r);
  }

  /** Un-suppresses the roles and clears the framework's decline filters, as Mesos's REVIVE does. */
  revive(frameworkId: string, roles: string[] = []): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    for (const r of roles.length ? roles : fw.roles) fw.suppressed.delete(r);
    this.filters.clearFramework(frameworkId);
  }

  // --- resources --------------------------------------------------------------------------

  /**
   * Gives back resources the framework held on an agent: an offer declined or rescinded, the
   * unused part of an accepted offer, or a task that ended. With `refuseMs` the framework is
   * not offered them again on that agent for that long.
   */
  recover(frameworkId: string, agentId: string, resources: Resources, filter?: { refuseMs: number; now: number }): void {
    const agent = this.agents.get(agentId);
    if (agent) {
      const held = agent.allocated.get(frameworkId);
      if (held) {
        const back = res.contains(held, resources) ? resources : held;
        const left = res.subtract(held, back);
        if (res.isEmpty(left)) agent.allocated.delete(frameworkId);
        else agent.allocated.set(frameworkId, left);
        agent.free = res.add(agent.free, back);
        this.unchargeFramework(frameworkId, back);
      }
    }
    if (filter && filter.refuseMs > 0 && this.frameworks.has(frameworkId)) this.filters.add(frameworkId, agentId, resources, filter.now + filter.refuseMs);
  }

  /** Runs one allocation pass and records the proposals as allocated. */
  allocate(now: number): OfferProposal[] {
    const proposals: OfferProposal[] = [];
    const candidates = [...this.frameworks.entries()].filter(([, fw]) => fw.active && fw.roles.some((r) => !fw.suppressed.has(r)));
    if (candidates.length === 0) return proposals;
    for (const [agentId, agent] of this.agents) {
      if (!agent.active || !isAllocatable(agent.free)) continue;
      const order = candidates
        .map(([id, fw]) => ({ id, fw, share: dominantShare(fw.allocated, this.clusterTotal) }))
        .sort((a, b) => a.share - b.share || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const { id, fw } of order) {
        if (this.filters.isFiltered(id, agentId, agent.free, now)) continue;
        const role = fw.roles.find((r) => !fw.suppressed.has(r))!;
        const minimums = fw.minAllocatable?.[role];
        if (minimums?.length && !isAllocatable(agent.free, minimums)) continue;
        const offered = agent.free;
        agent.free = res.EMPTY;
        agent.allocated.set(id, res.add(agent.allocated.get(id) ?? res.EMPTY, offered));
        this.chargeFramework(id, offered);
        proposals.push({ frameworkId: id, agentId, role, resources: offered });
        break;
      }
    }
    return proposals;
  }

  /** This allocator pools reservations with the rest: a dynamic reservation changes nothing here. */
  reserve(agentId: string, _role: string, r: Resources, source: 'free' | 'held'): boolean {
    const agent = this.agents.get(agentId);
    return !!agent && (source === 'held' || res.contains(agent.free, r));
  }

  unreserve(agentId: string, role: string, r: Resources, source: 'free' | 'held'): boolean {
    return this.reserve(agentId, role, r, source);
  }

  /** When a filter next expires (so the caller can run a pass then instead of polling). */
  nextFilterExpiry(): number | undefined {
    return this.filters.nextExpiry();
  }

  // --- views for /state and /metrics -------------------------------------------------------

  total(): Resources {
    return this.clusterTotal;
  }

  frameworkAllocation(frameworkId: string): Resources {
    return this.frameworks.get(frameworkId)?.allocated ?? res.EMPTY;
  }

  frameworkShare(frameworkId: string): number {
    return dominantShare(this.frameworkAllocation(frameworkId), this.clusterTotal);
  }

  agentFree(agentId: string): Resources {
    return this.agents.get(agentId)?.free ?? res.EMPTY;
  }

  agentAllocated(agentId: string): Resources {
    let sum = res.EMPTY;
    for (const r of this.agents.get(agentId)?.allocated.values() ?? []) sum = res.add(sum, r);
    return sum;
  }

  private chargeFramework(frameworkId: string, r: Resources): void {
    const fw = this.frameworks.get(frameworkId);
    if (fw) fw.allocated = res.add(fw.allocated, r);
  }

  private unchargeFramework(frameworkId: string, r: Resources): void {
    const fw = this.frameworks.get(frameworkId);
    if (fw) fw.allocated = res.subtract(fw.allocated, r);
  }
}
