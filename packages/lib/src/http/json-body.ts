import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { StrataError } from '../errors/strata-error';

/** How deep a request body may nest. Real definitions stay under ~10 levels; 10,000 levels once made every list endpoint fail. */
export const MAX_JSON_DEPTH = 64;
export const MAX_JSON_BYTES = '1mb';

/** The depth of a parsed JSON value (a scalar is 0), walked without recursion so no input can overflow the stack. */
export function jsonDepth(value: unknown, stopAt = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const depth = d + 1;
    if (depth > max) max = depth;
    if (max > stopAt) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth]);
  }
  return max;
}

/**
 * JSON request bodies with the limits every Strata API shares, checked once at the boundary:
 * size (413 from body-parser) and nesting depth (400, code JSON_TOO_DEEP). Each API maps the
 * error to its own shape.
 */
export function jsonBody(opts: { limit?: string; maxDepth?: number; strict?: boolean } = {}): RequestHandler[] {
  const maxDepth = opts.maxDepth ?? MAX_JSON_DEPTH;
  return [
    express.json({ limit: opts.limit ?? MAX_JSON_BYTES, strict: opts.strict ?? true }),
    (req: Request, _res: Response, next: NextFunction) => {
      if (req.body !== undefined && jsonDepth(req.body, maxDepth) > maxDepth) {
        return next(new StrataError('JSON_TOO_DEEP', `JSON nests deeper than ${maxDepth} levels`, { status: 400, details: [{ path: '/', errors: [`error.nesting.depth: more than ${maxDepth} levels`] }] }));
      }
      next();
    },
  ];
}
