export { SchedulerDriver } from './scheduler-driver';
export type { SchedulerDriverOptions, SchedulerEvents } from './scheduler-driver';
export { offerFilters, offerResources, taskInfo } from './builders';
export type { TaskSpec } from './builders';
export { offerAttributes, isLike, isUnlike } from './offers';
