import { Etcd3 } from 'etcd3';

/** How long one etcd request may take before it fails (etcd answers at once when it has a quorum). */
export const ETCD_REQUEST_TIMEOUT_MS = 5_000;

/**
 * An etcd client for Strata's services: every unary request has a deadline (a lost quorum fails
 * the request instead of hanging it), streams (watches, lease keepalives) have none.
 */
export function connectEtcd(endpoints: string[]): Etcd3 {
  return new Etcd3({
    hosts: endpoints,
    dialTimeout: 2_000,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + ETCD_REQUEST_TIMEOUT_MS }),
  });
}
