import { STATUS_CODES } from 'node:http';
import type { ErrorCode } from '../errors/catalogue';
import { isStrataError, type ErrorDetail } from '../errors/strata-error';

/** An error as an API answers it, before it takes that API's shape. */
export interface HttpError {
  status: number;
  code: ErrorCode;
  message: string;
  details: ErrorDetail[];
  context: Record<string, unknown>;
}

/** How one API writes an error body (Marathon's, Chronos's, Mesos's); the status is the HttpError's. */
export type ErrorShape = (e: HttpError) => unknown;

/** Strata's own shape (master, agent): message, code and details. */
export const strataErrorShape: ErrorShape = (e) => ({ message: e.message, code: e.code, ...(e.details.length ? { details: e.details } : {}) });

/** The reason phrase of a status (`Bad Request`), for APIs whose bodies carry it. */
export const reasonPhrase = (status: number) => STATUS_CODES[status] ?? 'Error';

const error = (status: number, code: ErrorCode, message: string): HttpError => ({ status, code, message, details: [], context: {} });

/**
 * What an error thrown in a route means to a client: a StrataError as it says, body-parser's
 * errors (invalid JSON, too large) as INVALID_JSON / TOO_LARGE, another 4xx as BAD_REQUEST.
 * Undefined for anything else: a bug, answered 500 and logged.
 */
export function httpErrorOf(err: unknown): HttpError | undefined {
  if (isStrataError(err)) return { status: err.status, code: err.code, message: err.message, details: err.details, context: err.context };
  const e = err as { status?: number; type?: string; message?: string } | undefined;
  if (e?.type === 'entity.parse.failed') return error(400, 'INVALID_JSON', e.message ?? 'invalid JSON');
  if (e?.type === 'entity.too.large') return error(413, 'TOO_LARGE', e.message ?? 'request entity too large');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return error(e.status, 'BAD_REQUEST', e.message ?? 'bad request');
  return undefined;
}

export const internalError = (): HttpError => error(500, 'INTERNAL', 'internal error');
export const noRoute = (method: string, path: string): HttpError => error(404, 'NOT_FOUND', `no route for ${method} ${path}`);
