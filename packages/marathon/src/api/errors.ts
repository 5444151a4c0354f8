import type { ErrorShape } from '@strata/lib';

/**
 * Marathon's error bodies: `{message}` with per-field `details` for a 422, the deployments that
 * hold a locked app for a 409, and its own words for bodies that are not JSON or too large.
 */
export const marathonErrorShape: ErrorShape = (e) => {
  switch (e.code) {
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
