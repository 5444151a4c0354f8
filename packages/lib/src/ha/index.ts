// @strata/lib/ha: high availability on etcd. Leader election with a fenced lease, a leader watch
// for followers and clients, the StateStore on etcd, and a local etcd cluster for tests and
// `strata up --ha`. Apart from the barrel: it loads the etcd client.
export { parseMasterTarget, parseEtcdEndpoints, etcdTarget, clusterKeys } from './etcd-address';
export type { EtcdTarget, MasterTarget } from './etcd-address';
export { connectEtcd, ETCD_REQUEST_TIMEOUT_MS } from './etcd-client';
export { Leadership } from './leadership';
export type { LeaderInfo, LeadershipOptions, Fence, LeaderTerm } from './leadership';
export { threadLease, workerLease } from './kept-lease';
export type { KeptLease, LeaseFactory } from './kept-lease';
export { LeaderWatch, currentLeader, candidates } from './leader-watch';
export { EtcdStateStore } from './etcd-store';
export { MasterLocator } from './master-locator';
export { notLeaderHint, LEADER_METADATA, NOT_LEADER_METADATA } from './leader-hint';
export type { MasterLocatorEvents } from './master-locator';
export type { EtcdStoreOptions } from './etcd-store';
export { EtcdCluster, etcdBinary } from './etcd-cluster';
export type { EtcdClusterOptions, EtcdMember } from './etcd-cluster';
export type { Etcd3 } from 'etcd3';
