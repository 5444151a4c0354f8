export { MinHeap } from './min-heap';
export { jsonEqual } from './json-equal';
