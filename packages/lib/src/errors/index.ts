export { StrataError, isStrataError, notFound, invalid, conflict } from './strata-error';
export type { ErrorDetail, StrataErrorOptions } from './strata-error';
