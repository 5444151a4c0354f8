import { ERROR_CATALOGUE, type ErrorCode } from './catalogue';

/**
 * The one error type Strata code throws on purpose. `code` is stable (tests and clients match on it),
 * `status` is the HTTP status an API should answer with, `details` carries per-field problems in
 * the upstream shape (Marathon's [{path, errors}]) and `context` the ids that locate the problem.
 */
export interface ErrorDetail {
  path: string;
  errors: string[];
}

export interface StrataErrorOptions {
  status?: number;
  details?: ErrorDetail[];
  context?: Record<string, unknown>;
  cause?: unknown;
}

export class StrataError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[];
  readonly context: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: StrataErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'StrataError';
    this.code = code;
    this.status = opts.status ?? ERROR_CATALOGUE[code].status;
    this.details = opts.details ?? [];
    this.context = opts.context ?? {};
  }
}

export function isStrataError(err: unknown): err is StrataError {
  return err instanceof Error && err.name === 'StrataError' && typeof (err as StrataError).code === 'string';
}

export const conflict = (message: string, context: Record<string, unknown> = {}) =>
  new StrataError('CONFLICT', message, { status: 409, context });
