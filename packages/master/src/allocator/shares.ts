import type { Resources } from '@strata/lib/resources';

/** Resource kinds that count towards a dominant share (Mesos's DRF sorter counts scalars only). */
export const SHARE_KINDS = ['cpus', 'mem', 'disk', 'gpus'] as const;

/** A quantity of the share kinds as a fixed vector: the allocator's hot loop adds and compares these, not Resources. */
export type ShareVector = Float64Array;

export const zeroVector = (): ShareVector => new Float64Array(SHARE_KINDS.length);

export function shareVector(r: Resources): ShareVector {
  return Float64Array.from(SHARE_KINDS, (k) => r.scalars[k] ?? 0);
}

/** Writes `r`'s share kinds into `into` (no allocation: the pass charges one of these per offer). */
export function fillVector(into: ShareVector, r: Resources): ShareVector {
  for (let i = 0; i < SHARE_KINDS.length; i++) into[i] = r.scalars[SHARE_KINDS[i]!] ?? 0;
  return into;
}

/** a += sign * b, never below zero. */
export function addVector(a: ShareVector, b: ShareVector, sign = 1): void {
  for (let i = 0; i < a.length; i++) a[i] = Math.max(0, a[i]! + sign * b[i]!);
}

export function vectorResources(v: ShareVector): Record<string, number> {
  const scalars: Record<string, number> = {};
  SHARE_KINDS.forEach((k, i) => (scalars[k] = v[i]!));
  return scalars;
}

/**
 * Dominant share: the largest fraction of the cluster's total of any one resource kind that
 * `allocated` holds, divided by the client's weight (Ghodsi et al., NSDI 2011; Mesos's DRFSorter).
 */
export function dominantShareOf(allocated: ShareVector, total: ShareVector, weight = 1): number {
  let s = 0;
  for (let i = 0; i < allocated.length; i++) if (total[i]! > 0) s = Math.max(s, allocated[i]! / total[i]!);
  return s / weight;
}

/** The same, on Resources. */
export function dominantShare(allocated: Resources, total: Resources, weight = 1): number {
  return dominantShareOf(shareVector(allocated), shareVector(total), weight);
}
