import * as grpc from '@grpc/grpc-js';
import { isStrataError } from '@strata/lib';
import { LEADER_METADATA, NOT_LEADER_METADATA } from '@strata/lib/ha';
import type { MasterSeat } from '../ha/master-seat';
import type { MasterTerm } from '../ha/master-term';

/** Maps a thrown error to a gRPC status: StrataErrors by their HTTP-like status, anything else INTERNAL. */
export function toGrpcError(err: unknown): Partial<grpc.StatusObject> & Error {
  const message = err instanceof Error ? err.message : String(err);
  let code = grpc.status.INTERNAL;
  let metadata: grpc.Metadata | undefined;
  if (isStrataError(err)) {
    if (err.status === 404) code = grpc.status.NOT_FOUND;
    else if (err.status === 409) code = grpc.status.ABORTED;
    else if (err.status === 401) code = grpc.status.UNAUTHENTICATED;
    else if (err.status === 403) code = grpc.status.PERMISSION_DENIED;
    else if (err.status === 503) code = grpc.status.UNAVAILABLE;
    else if (err.status >= 400 && err.status < 500) code = grpc.status.INVALID_ARGUMENT;
    if (err.code === 'NOT_LEADER') {
      // Trailers a client reads to find the leader (notLeaderHint); the message says it to a human.
      metadata = new grpc.Metadata();
      metadata.set(NOT_LEADER_METADATA, '1');
      if (typeof err.context.leader === 'string') metadata.set(LEADER_METADATA, err.context.leader);
    }
  } else if (err && typeof (err as { code?: unknown }).code === 'number') {
    code = (err as { code: number }).code;
  }
  return Object.assign(new Error(message), { code, details: message, ...(metadata ? { metadata } : {}) });
}

/** The term a new stream belongs to; a standby (or a term already over) ends the stream with UNAVAILABLE naming the leader. */
export function streamTerm(seat: MasterSeat, call: { emit(event: 'error', err: Error): boolean }): MasterTerm | undefined {
  try {
    return seat.acting();
  } catch (err) {
    call.emit('error', toGrpcError(err));
    return undefined;
  }
}
