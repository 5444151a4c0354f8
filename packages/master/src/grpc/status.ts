import * as grpc from '@grpc/grpc-js';
import { isStrataError } from '@strata/lib';

/** Maps a thrown error to a gRPC status: StrataErrors by their HTTP-like status, anything else INTERNAL. */
export function toGrpcError(err: unknown): Partial<grpc.StatusObject> & Error {
  const message = err instanceof Error ? err.message : String(err);
  let code = grpc.status.INTERNAL;
  if (isStrataError(err)) {
    if (err.status === 404) code = grpc.status.NOT_FOUND;
    else if (err.status === 409) code = grpc.status.ABORTED;
    else if (err.status >= 400 && err.status < 500) code = grpc.status.INVALID_ARGUMENT;
  } else if (err && typeof (err as { code?: unknown }).code === 'number') {
    code = (err as { code: number }).code;
  }
  return Object.assign(new Error(message), { code, details: message });
}
