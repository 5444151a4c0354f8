export { waitFor } from './wait-for';
export { tmpDir } from './tmp-dir';
