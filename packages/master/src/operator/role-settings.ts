import { StrataError } from '@strata/lib/errors';
import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';
import type { RoleView } from '../allocator/hierarchical';
import type { MasterContext } from '../master-context';

/** The operator's /weights and /quota: what was set, handed to an allocator that shares out by role. */
export class RoleSettings {
  /** Weights an operator set (not the default 1 of every role the allocator knows). */
  private readonly weightsSet = new Map<string, number>();
  private readonly quotas = new Map<string, Resources>();

  constructor(private readonly ctx: MasterContext) {}

  setWeights(weights: { role: string; weight: number }[]): void {
    this.requireRoles('Weights');
    for (const w of weights) {
      this.ctx.allocator.setWeight(w.role, w.weight);
      // Weight 1 is the default: setting it removes the role from /weights, as in Mesos.
      if (w.weight === 1) this.weightsSet.delete(w.role);
      else this.weightsSet.set(w.role, w.weight);
    }
    this.ctx.allocation.schedule();
  }

  /** A guarantee served before fair sharing; an empty one removes the role's quota. */
  setQuota(role: string, guarantee: Resources): void {
    this.requireRoles('Quota');
    this.ctx.allocator.setQuota(role, guarantee);
    this.quotas.set(role, guarantee);
    this.ctx.allocation.schedule();
  }

  quotaInfos(): { role: string; guarantee: Resources }[] {
    return [...this.quotas].filter(([, g]) => !res.isEmpty(g)).map(([role, guarantee]) => ({ role, guarantee }));
  }

  weights(): { role: string; weight: number }[] {
    return [...this.weightsSet].sort(([a], [b]) => (a < b ? -1 : 1)).map(([role, weight]) => ({ role, weight }));
  }

  roleShares(): RoleView[] {
    return this.ctx.allocator.roleShares().sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
  }

  private requireRoles(what: string): void {
    if (!this.ctx.allocator.supportsRoles) {
      throw new StrataError('INVALID', `${what} need${what === 'Quota' ? 's' : ''} the hierarchical allocator (start the master with --allocator hierarchical)`, { status: 400 });
    }
  }
}
