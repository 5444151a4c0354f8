import { parentPort, workerData } from 'node:worker_threads';
import { LeaseClient, type Etcd3 } from 'etcd3';
import { connectEtcd } from './etcd-client';
import type { LeaseWorkerMessage } from './kept-lease';

/**
 * The thread behind workerLease(): grants one lease and keeps it alive through every etcd member
 * at once, each over its own connection. A lease is the cluster's, so a renewal answered by any
 * member counts; a member cut off by a partition (its packets dropped, so its connection hangs
 * rather than fails) then costs nothing, where one stream on one connection would wait out the TTL.
 */
const { endpoints, ttlSeconds, shared } = workerData as { endpoints: string[]; ttlSeconds: number; shared: BigInt64Array };
const port = parentPort!;
const post = (m: LeaseWorkerMessage) => port.postMessage(m);
const clients: Etcd3[] = endpoints.map((e) => connectEtcd([e]));
/** etcd3's own RPC client over each client's (single-host) pool. */
const rpcs = clients.map((c) => new LeaseClient((c as unknown as { pool: ConstructorParameters<typeof LeaseClient>[0] }).pool));
const intervalMs = (ttlSeconds * 1000) / 3;
let leaseId: string | undefined;
let stopping = false;
let lost = false;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function renewed(sentAt: number, ttl: number): void {
  if (ttl <= 0) {
    if (!lost) {
      lost = true;
      post({ type: 'lost', message: 'etcd says the lease has expired' });
    }
    return;
  }
  // TTL first: a reader that sees the new time sees its TTL.
  if (sentAt > Number(Atomics.load(shared, 0))) {
    Atomics.store(shared, 1, BigInt(ttl));
    Atomics.store(shared, 0, BigInt(sentAt));
  }
  post({ type: 'renewed', sentAt, ttlSeconds: ttl });
}

/** One member's keepalive stream, renewed every TTL/3; reopened when it fails or stops answering for half a TTL. */
async function keep(i: number): Promise<void> {
  while (!stopping && !lost) {
    const pending: number[] = [];
    let done!: () => void;
    const ended = new Promise<void>((r) => (done = r));
    try {
      const stream = await rpcs[i]!.leaseKeepAlive();
      stream.on('data', (res: { TTL: string }) => renewed(pending.shift() ?? Date.now(), Number(res.TTL)));
      stream.on('error', () => done());
      stream.on('end', () => done());
      const timer = setInterval(() => {
        if (stopping || lost || (pending.length && Date.now() - pending[0]! > intervalMs * 1.5)) {
          stream.end();
          return done();
        }
        pending.push(Date.now());
        stream.write({ ID: leaseId });
      }, intervalMs);
      pending.push(Date.now());
      stream.write({ ID: leaseId });
      await ended;
      clearInterval(timer);
    } catch {
      // this member is not reachable now: try again shortly
    }
    if (!stopping && !lost) await sleep(200);
  }
}

/** Grants the lease through the first member that answers; etcd counts its TTL from before the answer, so from when it was asked. */
async function grant(): Promise<{ id: string; sentAt: number }> {
  let last: unknown;
  for (let round = 0; round < 3; round++) {
    for (const rpc of rpcs) {
      try {
        const sentAt = Date.now();
        const res = await rpc.leaseGrant({ TTL: ttlSeconds }, { deadline: Date.now() + 2_000 } as never);
        return { id: String(res.ID), sentAt };
      } catch (err) {
        last = err;
      }
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

grant().then(
  ({ id, sentAt }) => {
    leaseId = id;
    renewed(sentAt, ttlSeconds); // the first renewals are a third of a TTL away

    post({ type: 'granted', id });
    for (let i = 0; i < rpcs.length; i++) keep(i).catch(() => undefined); // keep() handles its own failures
  },
  (err: Error) => post({ type: 'grant-failed', message: err.message }),
);

port.on('message', (m) => {
  if (m !== 'revoke') return;
  stopping = true;
  const revoke = async () => {
    if (!leaseId) return;
    for (const rpc of rpcs) {
      try {
        await rpc.leaseRevoke({ ID: leaseId }, { deadline: Date.now() + 2_000 } as never);
        return;
      } catch {
        // another member may answer
      }
    }
  };
  revoke()
    .catch(() => undefined)
    .finally(() => {
      for (const c of clients) c.close();
      process.exit(0);
    });
});
