export { DrfAllocator, isAllocatable } from './allocator';
export type { OfferProposal, FrameworkOptions } from './allocator';
export { dominantShare, SHARE_KINDS } from './drf';
export { OfferFilters } from './filters';
