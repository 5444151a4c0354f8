export { startMaster } from './server';
export type { RunningMaster } from './server';
export { Master, STRATA_VERSION } from './master';
export { defaultMasterConfig } from './config';
export type { MasterConfig } from './config';
export { DrfAllocator, dominantShare, isAllocatable } from './allocator';
export { HierarchicalAllocator } from './allocator/hierarchical';
export type { OfferProposal } from './allocator';
export { OfferBook, planAccept } from './offers';
