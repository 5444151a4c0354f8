import type { Resources } from '@strata/lib/resources';
import type { OfferProposal, FrameworkOptions } from './allocator';
import type { RoleView } from './hierarchical';

/** What the master needs from an allocator; DrfAllocator and HierarchicalAllocator both provide it. */
export interface Allocator {
  /** `total` is what is unreserved; `reserved` the agent's static reservations per role. */
  addAgent(id: string, total: Resources, used?: Map<string, Resources>, active?: boolean, reserved?: Map<string, Resources>): void;
  removeAgent(id: string): void;
  hasAgent(id: string): boolean;
  setAgentActive(id: string, active: boolean): void;
  addFramework(id: string, opts: FrameworkOptions): void;
  removeFramework(id: string): void;
  setFrameworkActive(id: string, active: boolean): void;
  suppress(id: string, roles?: string[]): void;
  revive(id: string, roles?: string[]): void;
  /** `role`: the role the resources were allocated in (the offer's, or the task's allocation_info). */
  recover(frameworkId: string, agentId: string, resources: Resources, filter?: { refuseMs: number; now: number }, role?: string): void;
  /**
   * `budget`: how many more offers each framework may get this pass (allocators without a cap
   * ignore it). `limit`: the most offers one pass makes; agents not reached stay marked for the
   * next pass (the hierarchical allocator; the other ignores it).
   */
  allocate(now: number, budget?: (frameworkId: string) => number, limit?: number): OfferProposal[];
  /**
   * Dynamic reservations: `r` on the agent becomes `role`'s (or stops being). `free`: it is free
   * now (the operator's /reserve; false if it is not); `held`: a framework holds it in an offer
   * of that role, and it goes into (or out of) the reservation when given back.
   */
  reserve(agentId: string, role: string, r: Resources, source: 'free' | 'held'): boolean;
  unreserve(agentId: string, role: string, r: Resources, source: 'free' | 'held'): boolean;
  total(): Resources;
  frameworkShare(id: string): number;
  /** Whether roles are shared out by weight and quota (only then do the next three mean anything). */
  readonly supportsRoles: boolean;
  setWeight(role: string, weight: number): void;
  setQuota(role: string, quota: Resources): void;
  roleShares(): RoleView[];
}
