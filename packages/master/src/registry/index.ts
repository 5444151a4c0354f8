export { taskKey } from './model';
export type { AgentEntry, FrameworkEntry, TaskEntry, Outbox } from './model';
