import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';
import { belowQuota } from './quota';
import { addVector, dominantShareOf, vectorResources, zeroVector, type ShareVector } from './shares';
import { HeapSorter, ListSorter } from './sorter';

export interface RoleState {
  name: string;
  weight: number;
  quota: ShareVector;
  allocated: ShareVector;
  frameworks: Set<string>;
  /** Weighted dominant share, refreshed as the role is charged. */
  share: number;
}

export interface FrameworkState {
  id: string;
  active: boolean;
  /** All it holds, in every role (for its overall share). */
  allocated: ShareVector;
  /** Its place in each role it subscribed with (Mesos's MULTI_ROLE), in the order given. */
  seats: Map<string, Seat>;
}

/** A framework in one role: what it holds there decides its order among that role's frameworks. */
export interface Seat {
  /** The framework's id (filters and budgets are per framework); `name` too, for the sorter. */
  id: string;
  name: string;
  fw: FrameworkState;
  role: string;
  allocated: ShareVector;
  share: number;
  suppressed: boolean;
  /** The framework's offer filters in this role (Mesos's `offer_filters`): offers must hold one of these whole. */
  minimums?: readonly Resources[];
}

export interface RoleView {
  role: string;
  weight: number;
  share: number;
  frameworks: string[];
  allocated: Resources;
}

/** Roles under quota first, then by weighted share, then by name. */
/**
 * Seats by share, then framework id. Its own function rather than the generic byShare: the heap
 * compares seats millions of times a pass, and a comparator that also sees roles turns its
 * property reads polymorphic (measured: full passes at 10,000 agents ~1.3x slower with it).
 */
export const seatCmp = (a: Seat, b: Seat) => a.share - b.share || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const roleCmp = (a: RoleState, b: RoleState) => {
  const qa = belowQuota(a.allocated, a.quota) ? 0 : 1;
  const qb = belowQuota(b.allocated, b.quota) ? 0 : 1;
  return qa - qb || a.share - b.share || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
};

/**
 * The hierarchical allocator's book of roles and frameworks: who sits in which role, what each
 * holds, and the shares that follow from it against the cluster total. Charging goes through
 * here so a framework, its seat and its role never disagree.
 */
export class RoleBook {
  readonly roles = new Map<string, RoleState>();
  readonly frameworks = new Map<string, FrameworkState>();

  constructor(private readonly clusterTotal: ShareVector) {}

  role(name: string): RoleState {
    let r = this.roles.get(name);
    if (!r) this.roles.set(name, (r = { name, weight: 1, quota: zeroVector(), allocated: zeroVector(), frameworks: new Set(), share: 0 }));
    return r;
  }

  /** Roles with frameworks, in the order they are served this pass. */
  roleSorter(): ListSorter<RoleState> {
    const sorter = new ListSorter<RoleState>(roleCmp);
    for (const r of this.roles.values()) {
      if (r.frameworks.size === 0) continue;
      r.share = dominantShareOf(r.allocated, this.clusterTotal, r.weight);
      sorter.add(r);
    }
    return sorter;
  }

  /** A role's active, unsuppressed frameworks, lowest share first. */
  frameworkSorter(r: RoleState): HeapSorter<Seat> {
    const sorter = new HeapSorter<Seat>(seatCmp);
    for (const id of r.frameworks) {
      const seat = this.frameworks.get(id)?.seats.get(r.name);
      if (!seat || !seat.fw.active || seat.suppressed) continue;
      seat.share = dominantShareOf(seat.allocated, this.clusterTotal);
      sorter.add(seat);
    }
    return sorter;
  }

  /** Adds (or with sign -1 removes) an allocation to a framework and its role. */
  charge(seat: Seat, v: ShareVector, sign = 1): void {
    addVector(seat.allocated, v, sign);
    addVector(seat.fw.allocated, v, sign);
    const role = this.role(seat.role);
    addVector(role.allocated, v, sign);
    seat.share = dominantShareOf(seat.allocated, this.clusterTotal);
    role.share = dominantShareOf(role.allocated, this.clusterTotal, role.weight);
  }

  unallocated(): ShareVector {
    const v = Float64Array.from(this.clusterTotal);
    for (const r of this.roles.values()) addVector(v, r.allocated, -1);
    return v;
  }

  /** Every role known (configured or in use): weight, weighted dominant share, frameworks, what it holds (offered or used). */
  views(): RoleView[] {
    return [...this.roles.values()].map((r) => ({
      role: r.name,
      weight: r.weight,
      share: dominantShareOf(r.allocated, this.clusterTotal, r.weight),
      frameworks: [...r.frameworks].sort(),
      allocated: res.resources(vectorResources(r.allocated)),
    }));
  }
}
