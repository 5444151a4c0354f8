import { call, type Answer } from './client';

/** The event a 401 from any API raises: the shell shows the login form. */
export const UNAUTHENTICATED_EVENT = 'strata:unauthenticated';
const USER_KEY = 'strata.user';

/**
 * Logs in at the gateway (DC/OS's path): the gateway answers the token and sets its HttpOnly
 * cookie, which the browser then sends on every request and event stream; the page never holds
 * the token itself. Only the name is kept, to show who is logged in.
 */
export async function login(uid: string, password: string): Promise<Answer<{ message?: string }>> {
  const a = await call<{ message?: string }>('POST', '/acs/api/v1/auth/login', { uid, password });
  if (a.ok) sessionStorage.setItem(USER_KEY, uid);
  return a;
}

export async function logout(): Promise<void> {
  sessionStorage.removeItem(USER_KEY);
  await call('POST', '/acs/api/v1/auth/logout');
}

export const currentUser = () => sessionStorage.getItem(USER_KEY) ?? undefined;
