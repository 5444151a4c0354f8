import type { Resources } from '@strata/lib';

/** Resource kinds that count towards a dominant share (Mesos's DRF sorter counts scalars only). */
export const SHARE_KINDS = ['cpus', 'mem', 'disk', 'gpus'] as const;

/**
 * Dominant share: the largest fraction of the cluster's total of any one resource kind that
 * `allocated` holds, divided by the client's weight (Ghodsi et al., NSDI 2011; Mesos's DRFSorter).
 */
export function dominantShare(allocated: Resources, total: Resources, weight = 1): number {
  let share = 0;
  for (const kind of SHARE_KINDS) {
    const t = total.scalars[kind] ?? 0;
    if (t <= 0) continue;
    const a = allocated.scalars[kind] ?? 0;
    share = Math.max(share, a / t);
  }
  return share / weight;
}
