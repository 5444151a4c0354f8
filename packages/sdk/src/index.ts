export { SchedulerDriver } from './scheduler-driver';
export type { SchedulerDriverOptions, SchedulerEvents } from './scheduler-driver';
export { offerFilters, offerResources, taskInfo } from './builders';
export type { TaskSpec } from './builders';
export { offerAttributes, isLike, isUnlike, buildTaskInfo, specResources, OfferInterest } from './offers';
export type { Placement } from './offers';
export { frameworkDriver } from './framework-runner';
export type { FrameworkHandlers, FrameworkRunnerOptions } from './framework-runner';
