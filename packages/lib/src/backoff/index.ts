export { backoffDelay } from './backoff';
export type { BackoffPolicy } from './backoff';
