import type { FrameworkInfo } from '@strata/proto';

export { offerResources } from './offers/resources';
export { taskInfo } from './offers/task-info';
export type { TaskSpec } from './offers/task-info';

/**
 * `FrameworkInfo.offer_filters` from plain quantities: per role, the offer shapes the framework
 * can use (`{ '*': [{ cpus: 1, mem: 128 }] }`). The master then offers it, on any agent, only
 * what holds one of them whole, instead of sending slivers for it to decline.
 */
export function offerFilters(perRole: Record<string, Record<string, number>[]>): NonNullable<FrameworkInfo['offerFilters']> {
  return Object.fromEntries(
    Object.entries(perRole).map(([role, shapes]) => [
      role,
      { minAllocatableResources: { quantities: shapes.map((q) => ({ quantities: Object.fromEntries(Object.entries(q).map(([k, value]) => [k, { value }])) })) } },
    ]),
  );
}
