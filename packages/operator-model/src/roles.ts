/** What the Roles view shows, from the master's /roles: pure, no DOM. */

export interface MasterRole {
  name: string;
  weight: number;
  share: number;
  frameworks: string[];
  resources: Record<string, number | string>;
  quota?: { guarantee: Record<string, number | string> };
}

export interface RoleRow {
  name: string;
  weight: number;
  /** The dominant share (DRF): the largest fraction of any resource the role holds. */
  share: number;
  /** The share divided by the weight: what DRF compares, the lowest offered first. */
  weightedShare: number;
  frameworks: number;
  allocated: string;
  quota: string;
}

const scalars = (r: Record<string, number | string> | undefined) =>
  Object.entries(r ?? {})
    .filter(([k, v]) => typeof v === 'number' && v > 0 && k !== 'gpus')
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : (v as number).toFixed(2)}`)
    .join(', ');

/** Roles in the order DRF would offer to them: lowest weighted share first, then by name. */
export function roleRows(roles: readonly MasterRole[]): RoleRow[] {
  return roles
    .map((r) => ({ name: r.name, weight: r.weight, share: r.share, weightedShare: r.weight > 0 ? r.share / r.weight : r.share, frameworks: r.frameworks.length, allocated: scalars(r.resources) || '—', quota: scalars(r.quota?.guarantee) || '—' }))
    .sort((a, b) => a.weightedShare - b.weightedShare || a.name.localeCompare(b.name));
}
