export { taskKey, splitTaskKey } from './model';
export type { AgentEntry, FrameworkEntry, TaskEntry, Outbox } from './model';
export { TaskTally } from './task-tally';
