export { LocalCluster } from './cluster';
export type { ClusterOptions, StateJson } from './cluster';
export { ServiceProcess, BINS } from './processes';
export { TestFramework } from './test-framework';
export { pidsOfTask } from './task-processes';
export { ensureTestImage, TEST_IMAGE } from './docker-images';
export { MarathonProcess } from './marathon-process';
export { eventStream } from './event-stream';
export { strata } from './cli-runner';
