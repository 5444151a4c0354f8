export { FileStateStore } from './file-store';
export type { StateStore, Versioned } from './state-store';
