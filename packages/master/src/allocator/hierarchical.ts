import { MinHeap, res, type Resources } from '@strata/lib';
import type { Allocator } from './allocator-interface';
import { isAllocatable as allocatableBy, parseMinAllocatable, DEFAULT_MIN_ALLOCATABLE, type FrameworkOptions, type OfferProposal } from './allocator';
import { IndexedHeap } from './indexed-heap';

/** Scalar kinds a share is measured on, as a fixed vector for speed. */
const KINDS = ['cpus', 'mem', 'disk', 'gpus'] as const;
type Vec = Float64Array;
const vec = (r: Resources): Vec => Float64Array.from(KINDS, (k) => r.scalars[k] ?? 0);
const addTo = (a: Vec, b: Vec, sign = 1) => {
  for (let i = 0; i < a.length; i++) a[i] = Math.max(0, a[i]! + sign * b[i]!);
};

interface RoleState {
  name: string;
  weight: number;
  quota: Vec;
  allocated: Vec;
  frameworks: Set<string>;
  /** Position in the role heap, or -1. */
  share: number;
}

interface FrameworkState {
  id: string;
  active: boolean;
  /** All it holds, in every role (for its overall share). */
  allocated: Vec;
  /** Its place in each role it subscribed with (Mesos's MULTI_ROLE), in the order given. */
  seats: Map<string, Seat>;
}

/** A framework in one role: what it holds there decides its order among that role's frameworks. */
interface Seat {
  /** The framework's id (filters and budgets are per framework). */
  id: string;
  fw: FrameworkState;
  role: string;
  allocated: Vec;
  share: number;
  suppressed: boolean;
  /** The framework's offer filters in this role (Mesos's `offer_filters`): offers must hold one of these whole. */
  minimums?: readonly Resources[];
}

/** `held` keys: what a framework holds on an agent, per role. */
const heldKey = (frameworkId: string, role: string) => `${frameworkId}\u0000${role}`;
const heldOwner = (key: string) => key.slice(0, key.indexOf('\u0000'));
const heldRole = (key: string) => key.slice(key.indexOf('\u0000') + 1);

export interface RoleView {
  role: string;
  weight: number;
  share: number;
  frameworks: string[];
  allocated: Resources;
}

/** What one pass carries: the time, each framework's remaining offer budget, and whether the agent at hand was passed over for budget. */
interface Pass {
  now: number;
  left: Map<string, number>;
  deferred: boolean;
}

interface Filter {
  until: number;
  resources: Resources;
}

interface AgentState {
  id: string;
  /** Unreserved free resources. */
  free: Resources;
  /** Free resources reserved for a role (static reservations: `cpus(web):2`). */
  reserved: Map<string, Resources>;
  /** What each role's reservation holds in all, to refill it first when resources come back. */
  reservedTotal: Map<string, Resources>;
  /** What each framework holds here (offered or used) per role (`heldKey`), so removing a framework frees it. */
  held: Map<string, Resources>;
  /** Decline filters on this agent, by framework: kept with the agent so the check in a pass is one lookup. */
  filters: Map<string, Filter>;
  total: Vec;
  active: boolean;
}

/**
 * Hierarchical DRF (Mesos's HierarchicalDRF), pure and incremental: roles are ordered by
 * weighted dominant share, frameworks inside a role by dominant share; roles below their quota
 * go first and capacity that unmet quota needs is held back from the others; resources reserved
 * for a role are offered only to it. A pass visits only agents whose free resources changed
 * (or whose decline filter ran out), so its cost does not grow with agents x frameworks.
 */
export class HierarchicalAllocator implements Allocator {
  readonly supportsRoles = true;
  private readonly minimums: Resources[];

  /** `minAllocatable`: Mesos's --min_allocatable_resources (default `cpus:0.01|mem:32`). */
  constructor(opts: { minAllocatable?: string } = {}) {
    this.minimums = parseMinAllocatable(opts.minAllocatable ?? DEFAULT_MIN_ALLOCATABLE);
  }

  private readonly isAllocatable = (r: Resources) => allocatableBy(r, this.minimums);

  private readonly roles = new Map<string, RoleState>();
  private readonly frameworks = new Map<string, FrameworkState>();
  private readonly agents = new Map<string, AgentState>();
  private readonly dirty = new Set<string>();
  /** Frameworks not known yet whose tasks agents brought back (held under '*' until they subscribe). */
  private readonly awaiting = new Set<string>();
  /** Live decline filters (their count lets a pass skip the lookups when there are none). */
  private filterCount = 0;
  private readonly filterExpiry = new MinHeap<{ until: number; agentId: string; frameworkId: string }>((a, b) => a.until < b.until);
  private readonly clusterTotal = new Float64Array(KINDS.length);

  // --- configuration -----------------------------------------------------------------------

  setWeight(role: string, weight: number): void {
    this.role(role).weight = weight > 0 ? weight : 1;
    this.markAllDirty();
  }

  /** A guarantee: the role is served before fair sharing until it holds this much. */
  setQuota(role: string, quota: Resources): void {
    this.role(role).quota = vec(quota);
    this.markAllDirty();
  }

  /**
   * `total` is the agent's unreserved resources; `used` what frameworks already hold there (an
   * agent reregistering with running tasks); `reserved` its static reservations per role.
   */
  addAgent(id: string, total: Resources, used: Map<string, Resources> = new Map(), active = true, reserved: Map<string, Resources> = new Map()): void {
    if (this.agents.has(id)) throw new Error(`agent ${id} already added`);
    let all = vec(total);
    for (const r of reserved.values()) {
      const v = vec(r);
      all = all.map((x, i) => x + v[i]!) as Vec;
    }
    let free = total;
    for (const r of used.values()) free = res.subtract(free, r);
    // Tasks an agent brings back count in the framework's first role (the master does not say which).
    const held = new Map<string, Resources>();
    for (const [fw, r] of used) {
      if (!this.frameworks.has(fw)) this.awaiting.add(fw);
      held.set(heldKey(fw, this.frameworks.get(fw)?.seats.keys().next().value ?? '*'), r);
    }
    this.agents.set(id, { id, free, reserved: new Map(reserved), reservedTotal: new Map(reserved), held, filters: new Map(), total: all, active });
    addTo(this.clusterTotal, all);
    for (const [key, r] of held) {
      const seat = this.frameworks.get(heldOwner(key))?.seats.get(heldRole(key));
      if (seat) this.chargeVec(seat, vec(r));
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
    const scalars: Record<string, number> = {};
    KINDS.forEach((k, i) => (scalars[k] = this.clusterTotal[i]!));
    return res.resources(scalars);
  }

  frameworkShare(id: string): number {
    const f = this.frameworks.get(id);
    return f ? this.share(f.allocated) : 0;
  }

  removeAgent(id: string): void {
    const a = this.agents.get(id);
    if (!a) return;
    for (const [key, r] of a.held) {
      const seat = this.frameworks.get(heldOwner(key))?.seats.get(heldRole(key));
      if (seat) this.chargeVec(seat, vec(r), -1);
    }
    addTo(this.clusterTotal, a.total, -1);
    this.filterCount -= a.filters.size;
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
    const existing = this.frameworks.get(id);
    const f: FrameworkState = existing ?? { id, active: true, allocated: new Float64Array(KINDS.length), seats: new Map() };
    f.active = o.active ?? true;
    const suppressed = new Set(o.suppressedRoles ?? []);
    for (const [role, seat] of f.seats) {
      if (roles.includes(role)) continue;
      this.roles.get(role)?.frameworks.delete(id);
      seat.suppressed = true; // left: no new offers in it
    }
    for (const role of roles) {
      let seat = f.seats.get(role);
      if (!seat) f.seats.set(role, (seat = { id, fw: f, role, allocated: new Float64Array(KINDS.length), share: 0, suppressed: false }));
      seat.suppressed = suppressed.has(role);
      const minimums = o.minAllocatable?.[role];
      seat.minimums = minimums?.length ? minimums : undefined;
      this.role(role).frameworks.add(id);
    }
    if (!existing) {
      this.frameworks.set(id, f);
      // Agents that reregistered before the framework came back already hold its tasks.
      // An unknown framework's holdings are recorded under '*' (addAgent): one lookup per agent,
      // and only for a framework agents brought tasks of before it came back.
      const first = f.seats.get(roles[0]!)!;
      const placeholder = heldKey(id, '*');
      for (const a of this.awaiting.delete(id) ? this.agents.values() : []) {
        const held = a.held.size ? a.held.get(placeholder) : undefined;
        if (!held) continue;
        const seat = f.seats.get('*');
        if (seat) this.chargeVec(seat, vec(held));
        else {
          // Not a role of this framework: move to its first role.
          a.held.delete(placeholder);
          const k = heldKey(id, first.role);
          a.held.set(k, a.held.has(k) ? res.add(a.held.get(k)!, held) : held);
          this.chargeVec(first, vec(held));
        }
      }
    }
    this.markAllDirty();
  }

  /** Forgets the framework; what it held on agents is freed. */
  removeFramework(id: string): void {
    const f = this.frameworks.get(id);
    if (!f) return;
    // One lookup per agent and role, no allocation: this runs at every teardown, over every agent.
    const keys = [...f.seats.keys()].map((role) => heldKey(id, role));
    for (const a of this.agents.values()) {
      this.dropFilter(a, id);
      if (a.held.size === 0) continue;
      for (const key of keys) {
        const held = a.held.get(key);
        if (!held) continue;
        a.held.delete(key);
        this.giveBack(a, held, heldRole(key));
      }
    }
    for (const seat of f.seats.values()) {
      this.chargeVec(seat, seat.allocated.slice(), -1);
      this.roles.get(seat.role)?.frameworks.delete(id);
    }
    this.frameworks.delete(id);
  }

  setFrameworkActive(id: string, active: boolean): void {
    const f = this.frameworks.get(id);
    if (!f) return;
    f.active = active;
    if (active) this.markAllDirty();
  }

  /** Stops offers to the framework in these roles (all its roles when none are named). */
  suppress(id: string, roles: string[] = []): void {
    const f = this.frameworks.get(id);
    if (!f) return;
    for (const seat of f.seats.values()) if (!roles.length || roles.includes(seat.role)) seat.suppressed = true;
  }

  /** Un-suppresses and clears the framework's decline filters, as Mesos's REVIVE. */
  revive(id: string, roles: string[] = []): void {
    const f = this.frameworks.get(id);
    if (!f) return;
    for (const seat of f.seats.values()) if (!roles.length || roles.includes(seat.role)) seat.suppressed = false;
    if (this.filterCount > 0) for (const a of this.agents.values()) this.dropFilter(a, id);
    this.markAllDirty();
  }

  // --- resources ---------------------------------------------------------------------------

  /**
   * Gives resources back (declined, unused, a task ended); with `refuseMs` the framework will not
   * see them on that agent for that long. They refill the framework's role reservation first.
   */
  recover(frameworkId: string, agentId: string, resources: Resources, filter?: { refuseMs: number; now: number }, role?: string): void {
    const a = this.agents.get(agentId);
    const f = this.frameworks.get(frameworkId);
    if (a) {
      // From the role named (the offer's or the task's), then from its other holdings here.
      const keys = this.heldKeys(a, frameworkId, f);
      if (role !== undefined && keys.length > 1) keys.sort((x, y) => Number(heldRole(y) === role) - Number(heldRole(x) === role));
      let rest = resources;
      for (const key of keys) {
        if (res.isEmpty(rest)) break;
        const held = a.held.get(key)!;
        const back = intersect(held, rest);
        if (res.isEmpty(back)) continue;
        const left = res.subtract(held, back);
        if (res.isEmpty(left)) a.held.delete(key);
        else a.held.set(key, left);
        rest = res.subtract(rest, back);
        const seat = f?.seats.get(heldRole(key));
        if (seat) this.chargeVec(seat, vec(back), -1);
        this.giveBack(a, back, heldRole(key));
      }
    }
    if (filter && filter.refuseMs > 0 && f && a) {
      const until = filter.now + filter.refuseMs;
      if (!a.filters.has(frameworkId)) this.filterCount++;
      a.filters.set(frameworkId, { until, resources });
      this.filterExpiry.push({ until, agentId, frameworkId });
    }
  }

  /** The `held` keys of a framework on an agent: a lookup per role it has, or a scan for one it no longer knows. */
  private heldKeys(a: AgentState, frameworkId: string, f: FrameworkState | undefined): string[] {
    if (a.held.size === 0) return [];
    if (!f) return [...a.held.keys()].filter((k) => heldOwner(k) === frameworkId);
    const keys: string[] = [];
    for (const role of f.seats.keys()) {
      const key = heldKey(frameworkId, role);
      if (a.held.has(key)) keys.push(key);
    }
    return keys;
  }

  private dropFilter(a: AgentState, frameworkId: string): void {
    if (a.filters.delete(frameworkId)) this.filterCount--;
  }

  reserve(agentId: string, role: string, r: Resources, source: 'free' | 'held'): boolean {
    const a = this.agents.get(agentId);
    if (!a || role === '*') return false;
    if (source === 'free') {
      if (!res.contains(a.free, r)) return false;
      a.free = res.subtract(a.free, r);
      a.reserved.set(role, res.add(a.reserved.get(role) ?? res.EMPTY, r));
      this.dirty.add(agentId);
    }
    a.reservedTotal.set(role, res.add(a.reservedTotal.get(role) ?? res.EMPTY, r));
    return true;
  }

  unreserve(agentId: string, role: string, r: Resources, source: 'free' | 'held'): boolean {
    const a = this.agents.get(agentId);
    const total = a?.reservedTotal.get(role);
    if (!a || !total || !res.contains(total, r)) return false;
    if (source === 'free') {
      const cur = a.reserved.get(role) ?? res.EMPTY;
      if (!res.contains(cur, r)) return false;
      a.reserved.set(role, res.subtract(cur, r));
      a.free = res.add(a.free, r);
      this.dirty.add(agentId);
    }
    const left = res.subtract(total, r);
    if (res.isEmpty(left)) a.reservedTotal.delete(role);
    else a.reservedTotal.set(role, left);
    return true;
  }

  /** Records what a framework now holds on an agent in a role (no arithmetic in the common first-holding case). */
  private hold(a: AgentState, frameworkId: string, role: string, r: Resources): void {
    const key = heldKey(frameworkId, role);
    const cur = a.held.get(key);
    a.held.set(key, cur ? res.add(cur, r) : r);
  }

  private giveBack(a: AgentState, r: Resources, role: string): void {
    let rest = r;
    const total = a.reservedTotal.get(role);
    if (total) {
      const cur = a.reserved.get(role) ?? res.EMPTY;
      const room = res.subtract(total, cur);
      const toReserved = res.resources(Object.fromEntries(Object.entries(rest.scalars).map(([k, v]) => [k, Math.min(v, room.scalars[k] ?? 0)])));
      a.reserved.set(role, res.add(cur, toReserved));
      rest = res.subtract(rest, toReserved);
    }
    a.free = res.add(a.free, rest);
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
    this.expireFilters(now);
    const out: OfferProposal[] = [];
    if (this.dirty.size === 0) return out;
    const roleOrder = this.sortedRoles();
    const frameworkOrder = new Map<string, IndexedHeap<Seat>>();
    const takers = new Set<string>();
    for (const r of roleOrder) {
      const heap = this.frameworkHeap(r);
      frameworkOrder.set(r.name, heap);
      for (const seat of heap.values()) takers.add(seat.id);
    }
    // Frameworks that can still be given something this pass (one may sit in several roles).
    let eligible = takers.size;
    const headroom = this.quotaHeadroom();
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
    const give = (seat: Seat, a: AgentState, resources: Resources, heap: IndexedHeap<Seat>, reserved: boolean) => {
      this.charge(seat, resources);
      this.hold(a, seat.id, seat.role, resources);
      heap.update(seat);
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
        const heap = frameworkOrder.get(role);
        const f = heap && this.pick(heap, a, reserved, pass);
        if (!f) continue;
        a.reserved.set(role, res.EMPTY);
        give(f, a, reserved, heap!, true);
      }
      if (this.isAllocatable(a.free)) {
        // Unreserved: roles under quota first, then by weighted share; the rest must leave unmet quota its headroom.
        for (const role of roleOrder) {
          const underQuota = below(role.allocated, role.quota);
          if (!underQuota && headroom.needed && !fitsAfter(this.unallocated(), vec(a.free), headroom.vec)) continue;
          const heap = frameworkOrder.get(role.name);
          const f = heap && this.pick(heap, a, a.free, pass);
          if (!f) continue;
          const given = a.free;
          a.free = res.EMPTY;
          give(f, a, given, heap!, false);
          // Keep the orders right for the next agent: only the framework and role whose share moved change place.
          resortRole(roleOrder, role);
          break;
        }
      }
      if (pass.deferred && (this.isAllocatable(a.free) || [...a.reserved.values()].some(this.isAllocatable))) carry.push(agentId);
    }
    for (const id of carry) this.dirty.add(id);
    return out;
  }

  // --- internals ---------------------------------------------------------------------------

  private role(name: string): RoleState {
    let r = this.roles.get(name);
    if (!r) this.roles.set(name, (r = { name, weight: 1, quota: new Float64Array(KINDS.length), allocated: new Float64Array(KINDS.length), frameworks: new Set(), share: 0 }));
    return r;
  }

  /**
   * Every agent with something free is worth a look (a new framework, a revive, new weights).
   * Agents whose resources are all offered or used are not: they are marked again when something
   * comes back. With a busy cluster that is most of them, and the pass that follows a new
   * framework no longer walks them all (20 ms at 20,000 agents, for every subscription).
   */
  private markAllDirty(): void {
    for (const a of this.agents.values()) if (!res.isEmpty(a.free) || hasReservedLeft(a)) this.dirty.add(a.id);
  }

  private share(v: Vec, weight = 1): number {
    let s = 0;
    for (let i = 0; i < v.length; i++) if (this.clusterTotal[i]! > 0) s = Math.max(s, v[i]! / this.clusterTotal[i]!);
    return s / weight;
  }

  private sortedRoles(): RoleState[] {
    const list = [...this.roles.values()].filter((r) => r.frameworks.size > 0);
    for (const r of list) r.share = this.share(r.allocated, r.weight);
    return list.sort(roleCmp);
  }

  private frameworkHeap(r: RoleState): IndexedHeap<Seat> {
    const heap = new IndexedHeap<Seat>((a, b) => seatCmp(a, b) < 0);
    for (const id of r.frameworks) {
      const seat = this.frameworks.get(id)?.seats.get(r.name);
      if (!seat || !seat.fw.active || seat.suppressed) continue;
      seat.share = this.share(seat.allocated);
      heap.push(seat);
    }
    return heap;
  }

  /** The lowest-share framework not filtered on this agent and with budget left; the others are set aside and put back. */
  private pick(heap: IndexedHeap<Seat>, agent: AgentState, offered: Resources, pass: Pass): Seat | undefined {
    // Shape and decline filters first: a framework that would not take this anyway must not hold
    // the agent over for a later pass just because it is also out of budget (at 20,000 agents,
    // leftovers nobody wants were carried and re-walked in every pass: 26 ms passes).
    const passedOver = (f: Seat) => {
      if (f.minimums && !allocatableBy(offered, f.minimums)) return true;
      if (this.filterCount > 0 && this.isFiltered(f.id, agent, offered, pass.now)) return true;
      if ((pass.left.get(f.id) ?? 1) <= 0) {
        pass.deferred = true;
        return true;
      }
      return false;
    };
    // The common case: the lowest share can take it; no heap surgery needed.
    const top = heap.peek();
    if (!top) return undefined;
    if (!passedOver(top)) return top;
    const aside: Seat[] = [];
    let found: Seat | undefined;
    while (heap.size) {
      const f = heap.pop()!;
      aside.push(f);
      if (passedOver(f)) continue;
      found = f;
      break;
    }
    for (const f of aside) heap.push(f);
    return found;
  }

  private isFiltered(frameworkId: string, a: AgentState, offered: Resources, now: number): boolean {
    if (a.filters.size === 0) return false;
    const filter = a.filters.get(frameworkId);
    return !!filter && filter.until > now && res.contains(filter.resources, offered);
  }

  private readonly scratch = new Float64Array(KINDS.length);

  /** Adds (or with sign -1 removes) an allocation to a framework and its role. */
  private chargeVec(seat: Seat, v: Vec, sign = 1): void {
    addTo(seat.allocated, v, sign);
    addTo(seat.fw.allocated, v, sign);
    const role = this.role(seat.role);
    addTo(role.allocated, v, sign);
    seat.share = this.share(seat.allocated);
    role.share = this.share(role.allocated, role.weight);
  }

  private charge(seat: Seat, r: Resources): void {
    const v = this.scratch;
    for (let i = 0; i < KINDS.length; i++) v[i] = r.scalars[KINDS[i]!] ?? 0;
    this.chargeVec(seat, v);
  }

  private unallocated(): Vec {
    const v = Float64Array.from(this.clusterTotal);
    for (const r of this.roles.values()) addTo(v, r.allocated, -1);
    return v;
  }

  /** What unmet quotas still need, summed: non-quota allocation must not eat into it. */
  private quotaHeadroom(): { needed: boolean; vec: Vec } {
    const need = new Float64Array(KINDS.length);
    let needed = false;
    for (const r of this.roles.values()) {
      for (let i = 0; i < need.length; i++) {
        const gap = r.quota[i]! - r.allocated[i]!;
        if (gap > 0) {
          need[i]! += gap;
          needed = true;
        }
      }
    }
    return { needed, vec: need };
  }

  /** Filters that ran out make their agent worth another look. */
  private expireFilters(now: number): void {
    for (let top = this.filterExpiry.peek(); top && top.until <= now; top = this.filterExpiry.peek()) {
      this.filterExpiry.pop();
      const a = this.agents.get(top.agentId);
      const f = a?.filters.get(top.frameworkId);
      if (a && f && f.until <= now) {
        this.dropFilter(a, top.frameworkId);
        this.dirty.add(a.id);
      }
    }
  }

  // --- views -------------------------------------------------------------------------------

  /** Every role known (configured or in use): weight, weighted dominant share, frameworks, what it holds (offered or used). */
  roleShares(): RoleView[] {
    return [...this.roles.values()].map((r) => {
      const scalars: Record<string, number> = {};
      KINDS.forEach((k, i) => (scalars[k] = r.allocated[i]!));
      return { role: r.name, weight: r.weight, share: this.share(r.allocated, r.weight), frameworks: [...r.frameworks].sort(), allocated: res.resources(scalars) };
    });
  }
}

const seatCmp = (a: Seat, b: Seat) => a.share - b.share || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const roleCmp = (a: RoleState, b: RoleState) => {
  const qa = below(a.allocated, a.quota) ? 0 : 1;
  const qb = below(b.allocated, b.quota) ? 0 : 1;
  return qa - qb || a.share - b.share || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
};

/** Moves `x` (whose key grew) right to its place: O(distance); roles are few. */
function resort<T>(list: T[], x: T, cmp: (a: T, b: T) => number): void {
  let i = list.indexOf(x);
  while (i + 1 < list.length && cmp(list[i]!, list[i + 1]!) > 0) {
    [list[i], list[i + 1]] = [list[i + 1]!, list[i]!];
    i++;
  }
}
const resortRole = (list: RoleState[], r: RoleState) => resort(list, r, roleCmp);

function hasReservedLeft(a: AgentState): boolean {
  for (const r of a.reserved.values()) if (!res.isEmpty(r)) return true;
  return false;
}

function below(allocated: Vec, quota: Vec): boolean {
  for (let i = 0; i < quota.length; i++) if (quota[i]! > 0 && allocated[i]! < quota[i]!) return true;
  return false;
}

function fitsAfter(unallocated: Vec, taking: Vec, reserve: Vec): boolean {
  for (let i = 0; i < unallocated.length; i++) if (reserve[i]! > 0 && unallocated[i]! - taking[i]! < reserve[i]!) return false;
  return true;
}

/** What both hold: the smaller of each scalar, the overlap of each range set. */
function intersect(a: Resources, b: Resources): Resources {
  const scalars: Record<string, number> = {};
  for (const k in a.scalars) if (b.scalars[k]) scalars[k] = Math.min(a.scalars[k]!, b.scalars[k]!);
  const ranges: Record<string, { begin: number; end: number }[]> = {};
  for (const k in a.ranges) {
    const rs = a.ranges[k]!;
    const other = b.ranges[k];
    if (!other) continue;
    const out: { begin: number; end: number }[] = [];
    for (const x of rs) for (const y of other) {
      const begin = Math.max(x.begin, y.begin);
      const end = Math.min(x.end, y.end);
      if (begin <= end) out.push({ begin, end });
    }
    ranges[k] = out;
  }
  return res.resources(scalars, ranges);
}
