export { FileStateStore } from './file-store';
export { timedStore } from './timed-store';
export type { StateStore, Versioned } from './state-store';
