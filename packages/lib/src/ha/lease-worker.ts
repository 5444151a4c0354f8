import { parentPort, workerData } from 'node:worker_threads';
import { connectEtcd } from './etcd-client';
import type { LeaseWorkerMessage } from './kept-lease';

/** The thread behind workerLease(): grants one lease, keeps it alive, reports renewals, revokes on request. */
const { endpoints, ttlSeconds, shared } = workerData as { endpoints: string[]; ttlSeconds: number; shared: BigInt64Array };
const port = parentPort!;
const post = (m: LeaseWorkerMessage) => port.postMessage(m);
const client = connectEtcd(endpoints);
const lease = client.lease(ttlSeconds);
const sent: number[] = [];
lease.on('keepaliveFired', () => sent.push(Date.now()));
lease.on('keepaliveSucceeded', (res) => {
  const sentAt = sent.shift() ?? Date.now();
  const ttl = Number(res.TTL);
  if (ttl > 0) {
    // TTL first: a reader that sees the new time sees its TTL.
    Atomics.store(shared, 1, BigInt(ttl));
    Atomics.store(shared, 0, BigInt(sentAt));
  }
  post({ type: 'renewed', sentAt, ttlSeconds: ttl });
});
lease.on('lost', (err) => post({ type: 'lost', message: err.message }));
lease.grant().then(
  (id) => post({ type: 'granted', id }),
  (err: Error) => post({ type: 'grant-failed', message: err.message }),
);
port.on('message', (m) => {
  if (m !== 'revoke') return;
  lease.removeAllListeners();
  lease
    .revoke()
    .catch(() => lease.release())
    .finally(() => {
      client.close();
      process.exit(0);
    });
});
