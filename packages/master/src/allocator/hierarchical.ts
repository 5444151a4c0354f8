import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';
import type { Allocator } from './allocator-interface';
import { isAllocatable as allocatableBy, parseMinAllocatable, DEFAULT_MIN_ALLOCATABLE, type FrameworkOptions, type OfferProposal } from './allocator';
import { giveBack, hasReservedLeft, heldKey, heldKeysOf, heldOwner, heldRole, hold, reserve, unreserve, type PooledAgent } from './agent-pool';
import { DeclineFilters } from './decline-filters';
import { belowQuota, leavesHeadroom, quotaHeadroom } from './quota';
import { addVector, dominantShareOf, fillVector, shareVector, vectorResources, zeroVector, type ShareVector } from './shares';
import { RoleBook, type FrameworkState, type RoleView, type Seat } from './role-book';
import type { HeapSorter } from './sorter';

export type { RoleView } from './role-book';

/** What one pass carries: the time, each framework's remaining offer budget, and whether the agent at hand was passed over for budget. */
interface Pass {
  now: number;
  left: Map<string, number>;
  deferred: boolean;
}

/**
 * Hierarchical DRF (Mesos's HierarchicalDRF), pure and incremental: roles are ordered by
 * weighted dominant share, frameworks inside a role by dominant share; roles below their quota
 * go first and capacity that unmet quota needs is held back from the others; resources reserved
 * for a role are offered only to it. A pass visits only agents whose free resources changed
 * (or whose decline filter ran out), so its cost does not grow with agents x frameworks.
 * Orders come from sorters (sorter.ts): roles in a ListSorter, the frameworks of each role in a
 * HeapSorter, both rebuilt at the start of a pass and re-placed as offers move shares.
 */
export class HierarchicalAllocator implements Allocator {
  readonly supportsRoles = true;
  private readonly minimums: Resources[];

  /** `minAllocatable`: Mesos's --min_allocatable_resources (default `cpus:0.01|mem:32`). */
  constructor(opts: { minAllocatable?: string } = {}) {
    this.minimums = parseMinAllocatable(opts.minAllocatable ?? DEFAULT_MIN_ALLOCATABLE);
  }

  private readonly isAllocatable = (r: Resources) => allocatableBy(r, this.minimums);

  private readonly agents = new Map<string, PooledAgent>();
  private readonly dirty = new Set<string>();
  /** Frameworks not known yet whose tasks agents brought back (held under '*' until they subscribe). */
  private readonly awaiting = new Set<string>();
  private readonly filters = new DeclineFilters();
  private readonly clusterTotal = zeroVector();
  private readonly book = new RoleBook(this.clusterTotal);

  // --- configuration -----------------------------------------------------------------------

  setWeight(role: string, weight: number): void {
    this.book.role(role).weight = weight > 0 ? weight : 1;
    this.markAllDirty();
  }

  /** A guarantee: the role is served before fair sharing until it holds this much. */
  setQuota(role: string, quota: Resources): void {
    this.book.role(role).quota = shareVector(quota);
    this.markAllDirty();
  }

  /**
   * `total` is the agent's unreserved resources; `used` what frameworks already hold there (an
   * agent reregistering with running tasks); `reserved` its static reservations per role.
   */
  addAgent(id: string, total: Resources, used: Map<string, Resources> = new Map(), active = true, reserved: Map<string, Resources> = new Map()): void {
    if (this.agents.has(id)) throw new Error(`agent ${id} already added`);
    const all = shareVector(total);
    for (const r of reserved.values()) addVector(all, shareVector(r));
    let free = total;
    for (const r of used.values()) free = res.subtract(free, r);
    // Tasks an agent brings back count in the framework's first role (the master does not say which).
    const held = new Map<string, Resources>();
    for (const [fw, r] of used) {
      if (!this.book.frameworks.has(fw)) this.awaiting.add(fw);
      held.set(heldKey(fw, this.book.frameworks.get(fw)?.seats.keys().next().value ?? '*'), r);
    }
    this.agents.set(id, { id, free, reserved: new Map(reserved), reservedTotal: new Map(reserved), held, total: all, active });
    addVector(this.clusterTotal, all);
    for (const [key, r] of held) {
      const seat = this.book.frameworks.get(heldOwner(key))?.seats.get(heldRole(key));
      if (seat) this.book.charge(seat, shareVector(r));
    }
    this.dirty.add(id);
  }

  /** Agents marked for the next pass (changed, or held over because frameworks were out of budget). */
  get pendingAgents(): number {
    return this.dirty.size;
  }

  hasAgent(id: string): boolean {
    return this.agents.has(id);
  }

  setAgentActive(id: string, active: boolean): void {
    const a = this.agents.get(id);
    if (!a) return;
    a.active = active;
    if (active) this.dirty.add(id);
  }

  total(): Resources {
    return res.resources(vectorResources(this.clusterTotal));
  }

  frameworkShare(id: string): number {
    const f = this.book.frameworks.get(id);
    return f ? dominantShareOf(f.allocated, this.clusterTotal) : 0;
  }

  removeAgent(id: string): void {
    const a = this.agents.get(id);
    if (!a) return;
    for (const [key, r] of a.held) {
      const seat = this.book.frameworks.get(heldOwner(key))?.seats.get(heldRole(key));
      if (seat) this.book.charge(seat, shareVector(r), -1);
    }
    addVector(this.clusterTotal, a.total, -1);
    this.filters.clearAgent(id);
    this.agents.delete(id);
    this.dirty.delete(id);
  }

  /**
   * A framework takes part in every role it subscribes with, ordered inside each by what it holds
   * there. Re-adding updates its roles, activity and suppressed roles (a role it leaves keeps what
   * it holds until that is recovered).
   */
  addFramework(id: string, opts: FrameworkOptions | string): void {
    const o = typeof opts === 'string' ? { roles: [opts] } : opts;
    const roles = o.roles.length ? [...new Set(o.roles)] : ['*'];
    const existing = this.book.frameworks.get(id);
    const f: FrameworkState = existing ?? { id, active: true, allocated: zeroVector(), seats: new Map() };
    f.active = o.active ?? true;
    const suppressed = new Set(o.suppressedRoles ?? []);
    for (const [role, seat] of f.seats) {
      if (roles.includes(role)) continue;
      this.book.roles.get(role)?.frameworks.delete(id);
      seat.suppressed = true; // left: no new offers in it
    }
    for (const role of roles) {
      let seat = f.seats.get(role);
      if (!seat) f.seats.set(role, (seat = { id, name: id, fw: f, role, allocated: zeroVector(), share: 0, suppressed: false }));
      seat.suppressed = suppressed.has(role);
      const minimums = o.minAllocatable?.[role];
      seat.minimums = minimums?.length ? minimums : undefined;
      this.book.role(role).frameworks.add(id);
    }
    if (!existing) {
      this.book.frameworks.set(id, f);
      // Agents that reregistered before the framework came back already hold its tasks.
      // An unknown framework's holdings are recorded under '*' (addAgent): one lookup per agent,
      // and only for a framework agents brought tasks of before it came back.
      const first = f.seats.get(roles[0]!)!;
      const placeholder = heldKey(id, '*');
      for (const a of this.awaiting.delete(id) ? this.agents.values() : []) {
        const held = a.held.size ? a.held.get(placeholder) : undefined;
        if (!held) continue;
        const seat = f.seats.get('*');
        if (seat) this.book.charge(seat, shareVector(held));
        else {
          // Not a role of this framework: move to its first role.
          a.held.delete(placeholder);
          const k = heldKey(id, first.role);
          a.held.set(k, a.held.has(k) ? res.add(a.held.get(k)!, held) : held);
          this.book.charge(first, shareVector(held));
        }
      }
    }
    this.markAllDirty();
  }

  /** Forgets the framework; what it held on agents is freed. */
  removeFramework(id: string): void {
    const f = this.book.frameworks.get(id);
    if (!f) return;
    // One lookup per agent and role, no allocation: this runs at every teardown, over every agent.
    const keys = [...f.seats.keys()].map((role) => heldKey(id, role));
    this.filters.clearFramework(id);
    for (const a of this.agents.values()) {
      if (a.held.size === 0) continue;
      for (const key of keys) {
        const held = a.held.get(key);
        if (!held) continue;
        a.held.delete(key);
        this.giveBack(a, held, heldRole(key));
      }
    }
    for (const seat of f.seats.values()) {
      this.book.charge(seat, seat.allocated.slice(), -1);
      this.book.roles.get(seat.role)?.frameworks.delete(id);
    }
    this.book.frameworks.delete(id);
  }

  setFrameworkActive(id: string, active: boolean): void {
    const f = this.book.frameworks.get(id);
    if (!f) return;
    f.active = active;
    if (active) this.markAllDirty();
  }

  /** Stops offers to the framework in these roles (all its roles when none are named). */
  suppress(id: string, roles: string[] = []): void {
    const f = this.book.frameworks.get(id);
    if (!f) return;
    for (const seat of f.seats.values()) if (!roles.length || roles.includes(seat.role)) seat.suppressed = true;
  }

  /** Un-suppresses and clears the framework's decline filters, as Mesos's REVIVE. */
  revive(id: string, roles: string[] = []): void {
    const f = this.book.frameworks.get(id);
    if (!f) return;
    for (const seat of f.seats.values()) if (!roles.length || roles.includes(seat.role)) seat.suppressed = false;
    this.filters.clearFramework(id);
    this.markAllDirty();
  }

  // --- resources ---------------------------------------------------------------------------

  /**
   * Gives resources back (declined, unused, a task ended); with `refuseMs` the framework will not
   * see them on that agent for that long. They refill the framework's role reservation first.
   */
  recover(frameworkId: string, agentId: string, resources: Resources, filter?: { refuseMs: number; now: number }, role?: string): void {
    const a = this.agents.get(agentId);
    const f = this.book.frameworks.get(frameworkId);
    if (a) {
      // From the role named (the offer's or the task's), then from its other holdings here.
      const keys = heldKeysOf(a, frameworkId, f?.seats.keys());
      if (role !== undefined && keys.length > 1) keys.sort((x, y) => Number(heldRole(y) === role) - Number(heldRole(x) === role));
      let rest = resources;
      for (const key of keys) {
        if (res.isEmpty(rest)) break;
        const held = a.held.get(key)!;
        const back = res.intersect(held, rest);
        if (res.isEmpty(back)) continue;
        const left = res.subtract(held, back);
        if (res.isEmpty(left)) a.held.delete(key);
        else a.held.set(key, left);
        rest = res.subtract(rest, back);
        const seat = f?.seats.get(heldRole(key));
        if (seat) this.book.charge(seat, shareVector(back), -1);
        this.giveBack(a, back, heldRole(key));
      }
    }
    if (filter && filter.refuseMs > 0 && f && a) this.filters.add(frameworkId, agentId, resources, filter.now + filter.refuseMs);
  }

  reserve(agentId: string, role: string, r: Resources, source: 'free' | 'held'): boolean {
    const a = this.agents.get(agentId);
    if (!a || !reserve(a, role, r, source)) return false;
    if (source === 'free') this.dirty.add(agentId);
    return true;
  }

  unreserve(agentId: string, role: string, r: Resources, source: 'free' | 'held'): boolean {
    const a = this.agents.get(agentId);
    if (!a || !unreserve(a, role, r, source)) return false;
    if (source === 'free') this.dirty.add(agentId);
    return true;
  }

  private giveBack(a: PooledAgent, r: Resources, role: string): void {
    giveBack(a, r, role);
    this.dirty.add(a.id);
  }

  /**
   * One allocation pass over the agents that changed. `budget`, when given, is how many more
   * offers each framework may get (the master's cap on outstanding offers): a framework out of
   * budget is passed over like a filtered one, and agents that only it could have taken stay
   * marked for the next pass, which the answers to its offers trigger. When no framework has
   * budget left the pass stops early, so a capped pass costs what it offers, not the cluster size.
   */
  allocate(now: number, budget?: (frameworkId: string) => number, limit = Infinity): OfferProposal[] {
    for (const agentId of this.filters.expire(now)) if (this.agents.has(agentId)) this.dirty.add(agentId);
    const out: OfferProposal[] = [];
    if (this.dirty.size === 0) return out;
    const roleOrder = this.book.roleSorter();
    const frameworkOrder = new Map<string, HeapSorter<Seat>>();
    const takers = new Set<string>();
    for (const r of roleOrder.inOrder()) {
      const sorter = this.book.frameworkSorter(r);
      frameworkOrder.set(r.name, sorter);
      for (const seat of sorter.members()) takers.add(seat.id);
    }
    // Frameworks that can still be given something this pass (one may sit in several roles).
    let eligible = takers.size;
    const headroom = quotaHeadroom(this.book.roles.values());
    const left = new Map<string, number>();
    if (budget) {
      for (const id of takers) {
        const b = budget(id);
        left.set(id, b);
        if (b <= 0) eligible--;
      }
    }
    // Nobody can take anything: the marked agents wait, and the pass costs nothing.
    if (eligible <= 0) return out;
    const pass: Pass = { now, left, deferred: false };
    const carry: string[] = [];
    const give = (seat: Seat, a: PooledAgent, resources: Resources, sorter: HeapSorter<Seat>, reserved: boolean) => {
      this.charge(seat, resources);
      hold(a, seat.id, seat.role, resources);
      sorter.update(seat);
      out.push({ frameworkId: seat.id, agentId: a.id, role: seat.role, resources, ...(reserved ? { reservation: seat.role } : {}) });
      const b = left.get(seat.id);
      if (b !== undefined) {
        left.set(seat.id, b - 1);
        if (b - 1 === 0) eligible--;
      }
    };

    // Visited agents leave the set as they go (deleting the current entry is safe in a Set walk);
    // if every framework runs out of budget the walk stops and the rest simply stay marked.
    for (const agentId of this.dirty) {
      if (eligible <= 0 || out.length >= limit) break;
      this.dirty.delete(agentId);
      const a = this.agents.get(agentId);
      if (!a || !a.active) continue;
      pass.deferred = false;
      // Reserved resources: only to their role.
      for (const [role, reserved] of a.reserved) {
        if (!this.isAllocatable(reserved)) continue;
        const sorter = frameworkOrder.get(role);
        const f = sorter?.first((seat) => this.takes(seat, a, reserved, pass));
        if (!f) continue;
        a.reserved.set(role, res.EMPTY);
        give(f, a, reserved, sorter!, true);
      }
      if (this.isAllocatable(a.free)) {
        // Unreserved: roles under quota first, then by weighted share; the rest must leave unmet quota its headroom.
        for (const role of roleOrder.inOrder()) {
          const underQuota = belowQuota(role.allocated, role.quota);
          if (!underQuota && headroom.needed && !leavesHeadroom(this.book.unallocated(), shareVector(a.free), headroom.vec)) continue;
          const sorter = frameworkOrder.get(role.name);
          const offered = a.free;
          const f = sorter?.first((seat) => this.takes(seat, a, offered, pass));
          if (!f) continue;
          a.free = res.EMPTY;
          give(f, a, offered, sorter!, false);
          // Only the role whose share moved changes place; the walk stops here.
          roleOrder.update(role);
          break;
        }
      }
      if (pass.deferred && (this.isAllocatable(a.free) || [...a.reserved.values()].some(this.isAllocatable))) carry.push(agentId);
    }
    for (const id of carry) this.dirty.add(id);
    return out;
  }

  // --- internals ---------------------------------------------------------------------------

  /**
   * Every agent with something free is worth a look (a new framework, a revive, new weights).
   * Agents whose resources are all offered or used are not: they are marked again when something
   * comes back. With a busy cluster that is most of them, and the pass that follows a new
   * framework no longer walks them all (20 ms at 20,000 agents, for every subscription).
   */
  private markAllDirty(): void {
    for (const a of this.agents.values()) if (!res.isEmpty(a.free) || hasReservedLeft(a)) this.dirty.add(a.id);
  }

  /**
   * Whether a framework takes what the agent offers. Shape and decline filters first: a framework
   * that would not take this anyway must not hold the agent over for a later pass just because
   * it is also out of budget (at 20,000 agents, leftovers nobody wants were carried and
   * re-walked in every pass: 26 ms passes).
   */
  private takes(seat: Seat, agent: PooledAgent, offered: Resources, pass: Pass): boolean {
    if (seat.minimums && !allocatableBy(offered, seat.minimums)) return false;
    if (this.filters.isFiltered(seat.id, agent.id, offered, pass.now)) return false;
    if ((pass.left.get(seat.id) ?? 1) <= 0) {
      pass.deferred = true;
      return false;
    }
    return true;
  }

  private readonly scratch = zeroVector();

  private charge(seat: Seat, r: Resources): void {
    this.book.charge(seat, fillVector(this.scratch, r));
  }

  /** Every role known (configured or in use): weight, weighted dominant share, frameworks, what it holds (offered or used). */
  roleShares(): RoleView[] {
    return this.book.views();
  }

  // --- views -------------------------------------------------------------------------------
}
