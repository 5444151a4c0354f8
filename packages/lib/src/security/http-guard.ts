import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { StrataError } from '../errors/strata-error';
import type { Authenticator } from './authenticator';

/** How a service authenticates its HTTP API; absent, every request is anonymous and allowed in. */
export interface HttpSecurity {
  authenticator: Authenticator;
  /**
   * Paths answered without credentials, each on purpose: /health, so a load balancer or a
   * supervisor can probe a service without a secret. Everything else, /metrics included, asks.
   */
  open?: readonly string[];
  /**
   * The schemes a 401 challenges with (default Basic and acsjwt). The gateway, which browsers
   * talk to, says only `acsjwt` as DC/OS's Admin Router does: a Basic challenge makes a browser
   * hold the request for its own password dialog (a headless one forever) instead of letting the
   * page show its login form.
   */
  challenge?: readonly string[];
}

export const OPEN_PATHS: readonly string[] = ['/health'];

const PRINCIPAL = 'strataPrincipal';
/** Both schemes a client may answer with: Basic (Mesos, curl -u) and a token (DC/OS's acsjwt). */
const DEFAULT_CHALLENGE = ['Basic realm="strata"', 'acsjwt'];

/**
 * The first step of a service's chain when authentication is on: a request without valid
 * credentials ends here with a 401 (in the API's shape, through its error handler), before
 * any route, the 503 gate of a loading service or a body parser has seen it.
 */
export function authenticateHttp(sec: HttpSecurity): RequestHandler {
  const open = new Set(sec.open ?? OPEN_PATHS);
  return (req: Request, res: Response, next: NextFunction) => {
    if (open.has(req.path)) return next();
    sec.authenticator.principalOf(req.headers.authorization).then(
      (principal) => {
        if (principal === undefined) return next(unauthenticated(res, 'authentication required: send Authorization (token=JWT, Bearer JWT or Basic)', sec.challenge));
        res.locals[PRINCIPAL] = principal;
        next();
      },
      (err: unknown) => next(err instanceof StrataError && err.code === 'UNAUTHENTICATED' ? unauthenticated(res, err.message, sec.challenge) : err),
    );
  };
}

function unauthenticated(res: Response, message: string, challenge: readonly string[] = DEFAULT_CHALLENGE): StrataError {
  res.setHeader('WWW-Authenticate', [...challenge]);
  return new StrataError('UNAUTHENTICATED', message);
}

/** The principal the request authenticated as; undefined when authentication is off. */
export function principalOf(res: Response): string | undefined {
  return res.locals[PRINCIPAL] as string | undefined;
}
