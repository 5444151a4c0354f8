// The pure part of the framework kit: what a framework reads off offers. Imported by pure
// modules as '@strata/sdk/offers' (the package barrel loads the gRPC driver).
export { offerAttributes } from './attributes';
export { isLike, isUnlike } from './constraints';
export { offerResources } from './resources';
export { buildTaskInfo, specResources, taskInfo } from './task-info';
export type { Placement, TaskSpec } from './task-info';
export { OfferInterest } from './offer-interest';
