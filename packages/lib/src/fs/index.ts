export { atomicWriteFile } from './atomic-write';
