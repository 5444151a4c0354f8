export { StrataError, isStrataError, conflict } from './strata-error';
export type { ErrorDetail, StrataErrorOptions } from './strata-error';
export { ERROR_CATALOGUE } from './catalogue';
export type { ErrorCode } from './catalogue';
