export { SecretBook } from './secret-book';
export type { SecretMeta, SecretRecord } from './secret-book';
export { SecretOperations, MAX_SECRET_BYTES } from './secret-operations';
export { secretReferences, unresolvable, withSecretValues } from './resolve';
