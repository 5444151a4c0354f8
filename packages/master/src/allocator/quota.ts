import { zeroVector, type ShareVector } from './shares';

/** Whether a role holds less than its quota of some kind (a zero quota guarantees nothing). */
export function belowQuota(allocated: ShareVector, quota: ShareVector): boolean {
  for (let i = 0; i < quota.length; i++) if (quota[i]! > 0 && allocated[i]! < quota[i]!) return true;
  return false;
}

/** What unmet quotas still need, summed over roles: allocation outside quota must leave this much unallocated. */
export function quotaHeadroom(roles: Iterable<{ quota: ShareVector; allocated: ShareVector }>): { needed: boolean; vec: ShareVector } {
  const need = zeroVector();
  let needed = false;
  for (const r of roles) {
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

/** Whether taking `taking` out of `unallocated` still leaves `headroom` of every kind it names. */
export function leavesHeadroom(unallocated: ShareVector, taking: ShareVector, headroom: ShareVector): boolean {
  for (let i = 0; i < unallocated.length; i++) if (headroom[i]! > 0 && unallocated[i]! - taking[i]! < headroom[i]!) return false;
  return true;
}
