export { waitFor } from './wait-for';
export { tmpDir } from './tmp-dir';
export { MemoryStateStore } from './memory-store';
