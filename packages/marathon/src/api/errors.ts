import type { ErrorShape } from '@strata/lib';

/** Marathon's own words for a 401 and a 403 (clients match on them). */
export const MARATHON_UNAUTHENTICATED = 'Invalid username or password.';
export const MARATHON_FORBIDDEN = 'Not Authorized to perform this action!';

/**
 * Marathon's error bodies: `{message}` with per-field `details` for a 422, the deployments that
 * hold a locked app for a 409, and its own words for bodies that are not JSON or too large.
 */
export const marathonErrorShape: ErrorShape = (e) => {
  switch (e.code) {
    case 'UNAUTHENTICATED':
      return { message: MARATHON_UNAUTHENTICATED };
    case 'FORBIDDEN':
      return { message: MARATHON_FORBIDDEN };
    case 'APP_LOCKED':
      return { message: e.message, deployments: ((e.context.deploymentIds as string[] | undefined) ?? []).map((id) => ({ id })) };
    case 'INVALID_JSON':
      return { message: 'Invalid JSON', details: [{ path: '/', errors: [e.message || 'error.expected.json'] }] };
    case 'TOO_LARGE':
      return { message: 'Request entity too large' };
    default:
      return { message: e.message, ...(e.details.length ? { details: e.details } : {}) };
  }
};
