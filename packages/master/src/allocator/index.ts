export { DrfAllocator, isAllocatable } from './allocator';
export type { OfferProposal, FrameworkOptions } from './allocator';
export { dominantShare, SHARE_KINDS } from './shares';
export { DeclineFilters } from './decline-filters';
export { HeapSorter, ListSorter, byShare } from './sorter';
export type { Sorter, SortedClient } from './sorter';
