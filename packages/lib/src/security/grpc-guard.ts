import * as grpc from '@grpc/grpc-js';
import { StrataError } from '../errors/strata-error';
import type { HttpSecurity } from './http-guard';

/** The metadata key a gRPC client carries its credentials in: the same value as HTTP's Authorization header. */
export const AUTHORIZATION_METADATA = 'authorization';

/**
 * Who a gRPC call is, from its `authorization` metadata, with the same authenticator as the
 * service's HTTP API. Without security: undefined (anonymous, allowed). With it: the principal,
 * or a StrataError UNAUTHENTICATED for a call that presents nothing or something wrong.
 */
export async function principalOfCall(security: HttpSecurity | undefined, metadata: grpc.Metadata): Promise<string | undefined> {
  if (!security) return undefined;
  const [value] = metadata.get(AUTHORIZATION_METADATA);
  const principal = await security.authenticator.principalOf(typeof value === 'string' ? value : undefined);
  if (principal === undefined) throw new StrataError('UNAUTHENTICATED', 'authentication required: send the authorization metadata (token=JWT, Bearer JWT or Basic)');
  return principal;
}

/**
 * A stream that must authenticate before its first message is read: paused while the
 * credentials are checked (a token's signature check is asynchronous), then resumed with the
 * principal, or ended with the refusal.
 */
export function authenticatedStream(
  security: HttpSecurity | undefined,
  call: grpc.ServerDuplexStream<unknown, unknown>,
  accepted: (principal: string | undefined) => void,
  refused: (err: unknown) => void,
): void {
  if (!security) return accepted(undefined);
  call.pause();
  principalOfCall(security, call.metadata).then(
    (principal) => {
      accepted(principal);
      call.resume();
    },
    refused,
  );
}

/** Metadata carrying `authorization` (an Authorization header value), for a client's calls; empty without one. */
export function metadataWith(authorization: string | undefined): grpc.Metadata {
  const m = new grpc.Metadata();
  if (authorization) m.set(AUTHORIZATION_METADATA, authorization);
  return m;
}
