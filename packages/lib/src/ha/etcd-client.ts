import { Etcd3 } from 'etcd3';

/** How long a read of a range may take before it fails (a registry of 40,000 agents is one range). */
export const ETCD_REQUEST_TIMEOUT_MS = 5_000;
/**
 * How long any other request may take before it is tried on another member. A member cut off
 * by a partition drops packets rather than refusing them, so its requests hang: etcd3's retry
 * policy moves a request that timed out to another member, and this bounds what the cut-off one
 * costs (a healthy member answers in milliseconds).
 */
export const ETCD_WRITE_TIMEOUT_MS = 2_000;

/**
 * An etcd client for Strata's services: every unary request has a deadline (a lost quorum or a
 * partitioned member fails the request instead of hanging it, and it is retried elsewhere),
 * streams (watches, lease keepalives) have none but their connection is probed with HTTP/2
 * pings, so a stream to a member that went silent is noticed and reopened. The ping interval
 * stays above etcd's default --grpc-keepalive-min-time (5 s), which would otherwise refuse it.
 */
export function connectEtcd(endpoints: string[]): Etcd3 {
  return new Etcd3({
    hosts: endpoints,
    dialTimeout: 2_000,
    grpcOptions: { 'grpc.keepalive_time_ms': 6_000, 'grpc.keepalive_timeout_ms': 2_000 },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + (ctx.method === 'range' ? ETCD_REQUEST_TIMEOUT_MS : ETCD_WRITE_TIMEOUT_MS) }),
  });
}
