import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** DC/OS's cookie: the browser's login, sent on every request (EventSource included) to the gateway's origin. */
export const AUTH_COOKIE = 'dcos-acs-auth-cookie';

/** Where the UI logs out: the cookie is cleared (the token itself simply expires). */
export const LOGOUT_PATH = '/acs/api/v1/auth/logout';

/** The value of one cookie in a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * A request that carries the login cookie and no Authorization header is given one from it,
 * before authentication: the services behind the gateway see the same `token=` as from the CLI.
 * An explicit Authorization header always wins.
 */
export function cookieAuthorization(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.headers.authorization) {
      const token = cookieValue(req.headers.cookie, AUTH_COOKIE);
      if (token && /^[A-Za-z0-9._-]+$/.test(token)) req.headers.authorization = `token=${token}`;
    }
    next();
  };
}

/**
 * The login cookie: HttpOnly (scripts never see the token), SameSite=Strict (another site's page
 * cannot make the browser send it: no cross-site request forgery), Secure when the gateway serves TLS.
 */
export function sessionCookie(token: string, expiresAt: number, now: number, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt - now) / 1000));
  return `${AUTH_COOKIE}=${token}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export const clearedCookie = (secure: boolean) => `${AUTH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
