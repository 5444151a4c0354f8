import type { Request, Response } from 'express';
import { AUTH_COOKIE, clearedCookie, cookieAuthorization, cookieValue, sessionCookie } from './session-cookie';

describe('the login cookie', () => {
  it('finds one cookie among several', () => {
    expect(cookieValue(`a=1; ${AUTH_COOKIE}=abc.def; b=2`, AUTH_COOKIE)).toBe('abc.def');
    expect(cookieValue('a=1', AUTH_COOKIE)).toBeUndefined();
    expect(cookieValue(undefined, AUTH_COOKIE)).toBeUndefined();
    expect(cookieValue(`${AUTH_COOKIE}=`, AUTH_COOKIE)).toBeUndefined();
  });

  const through = (headers: Record<string, string>) => {
    const req = { headers: { ...headers } } as unknown as Request;
    cookieAuthorization()(req, {} as Response, () => undefined);
    return req.headers.authorization;
  };

  it('becomes the Authorization of a request that has none; an explicit header wins; a malformed value is ignored', () => {
    expect(through({ cookie: `${AUTH_COOKIE}=eyJ.a-b_c.d` })).toBe('token=eyJ.a-b_c.d');
    expect(through({ cookie: `${AUTH_COOKIE}=eyJ.a.b`, authorization: 'Basic x' })).toBe('Basic x');
    expect(through({ cookie: `${AUTH_COOKIE}=a b\r\nX: y` })).toBeUndefined();
    expect(through({})).toBeUndefined();
  });

  it('is HttpOnly and SameSite=Strict, Secure over TLS, and lives as long as the token', () => {
    expect(sessionCookie('t', 61_000, 1_000, false)).toBe(`${AUTH_COOKIE}=t; Path=/; Max-Age=60; HttpOnly; SameSite=Strict`);
    expect(sessionCookie('t', 61_000, 1_000, true)).toMatch(/; Secure$/);
    expect(clearedCookie(false)).toContain('Max-Age=0');
  });
});
