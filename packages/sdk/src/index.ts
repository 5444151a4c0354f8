export { SchedulerDriver } from './scheduler-driver';
export type { SchedulerDriverOptions, SchedulerEvents } from './scheduler-driver';
export { offerResources, taskInfo } from './builders';
export type { TaskSpec } from './builders';
