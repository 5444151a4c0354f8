export { StrataError, isStrataError, conflict } from './strata-error';
export type { ErrorDetail, StrataErrorOptions } from './strata-error';
