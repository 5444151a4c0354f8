import { reasonPhrase, type ErrorShape } from '@strata/lib';

/** Chronos's error body: `{message, status}` with the status's reason phrase ("Bad Request"). */
export const chronosErrorShape: ErrorShape = (e) => ({
  message: e.code === 'INVALID_JSON' ? `The body is not valid JSON: ${e.message}` : e.message,
  status: reasonPhrase(e.status),
});
