import type { ServerResponse } from 'node:http';
import { httpErrorOf, strataErrorShape } from '@strata/lib';

/**
 * The gateway's own answers (no upstream, upstream failed, unknown route) in Strata's shape,
 * `{message, code}`: what an upstream answers passes through untouched, in its own shape.
 */
export function sendError(res: ServerResponse, err: unknown): void {
  const e = httpErrorOf(err) ?? { status: 500, code: 'INTERNAL' as const, message: 'internal error', details: [], context: {} };
  const body = JSON.stringify(strataErrorShape(e));
  res.statusCode = e.status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
