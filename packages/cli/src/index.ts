export { runCommand } from './commands/run';
export type { RunOptions } from './commands/run';
export { table } from './table';
