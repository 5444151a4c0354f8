import { StrataError } from '../errors/strata-error';

/** Where a Strata cluster's coordination lives: etcd endpoints and the cluster's name (its key prefix). */
export interface EtcdTarget {
  endpoints: string[];
  cluster: string;
}

/** How a client names its master: a leader found through etcd, or a fixed list of masters to try. */
export type MasterTarget = { kind: 'etcd'; etcd: EtcdTarget } | { kind: 'list'; addresses: string[] };

const CLUSTER = /^[A-Za-z0-9._-]{1,64}$/;
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

function checkCluster(name: string, what: string): string {
  if (!CLUSTER.test(name)) throw new StrataError('INVALID_PARAM', `${what}: cluster name '${name.slice(0, 80)}' must be 1-64 of [A-Za-z0-9._-]`);
  return name;
}

function checkHostPort(hp: string, what: string): string {
  const m = HOST_PORT.exec(hp);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new StrataError('INVALID_PARAM', `${what}: '${hp.slice(0, 120)}' is not host:port`);
  return hp;
}

/** `http://h1:2379,h2:2379` (scheme optional per member) as etcd client URLs. */
export function parseEtcdEndpoints(spec: string): string[] {
  const parts = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (!parts.length) throw new StrataError('INVALID_PARAM', `--etcd: no endpoints in '${spec.slice(0, 120)}'`);
  return parts.map((p) => {
    const bare = p.replace(/^https?:\/\//, '').replace(/\/$/, '');
    checkHostPort(bare, '--etcd');
    return p.startsWith('https://') ? `https://${bare}` : `http://${bare}`;
  });
}

/** `--etcd` plus `--cluster-name`, as the services take them. */
export function etcdTarget(endpoints: string, cluster: string): EtcdTarget {
  return { endpoints: parseEtcdEndpoints(endpoints), cluster: checkCluster(cluster, '--cluster-name') };
}

/**
 * `--master` as agents, frameworks and the CLI take it: `etcd://h1:2379,h2:2379/NAME` (Mesos's
 * `zk://…/mesos`), or `host:port[,host:port…]`: one master, or several to try in turn.
 */
export function parseMasterTarget(spec: string): MasterTarget {
  const s = spec.trim();
  if (s.startsWith('etcd://')) {
    const rest = s.slice('etcd://'.length);
    const slash = rest.indexOf('/');
    if (slash < 0) throw new StrataError('INVALID_PARAM', `--master: '${s.slice(0, 120)}' names no cluster (etcd://host:port,…/NAME)`);
    return { kind: 'etcd', etcd: { endpoints: parseEtcdEndpoints(rest.slice(0, slash)), cluster: checkCluster(rest.slice(slash + 1), '--master') } };
  }
  const addresses = s.replace(/^https?:\/\//, '').split(',').map((a) => a.trim().replace(/^https?:\/\//, '').replace(/\/$/, '')).filter(Boolean);
  if (!addresses.length) throw new StrataError('INVALID_PARAM', '--master: no address given');
  return { kind: 'list', addresses: addresses.map((a) => checkHostPort(a, '--master')) };
}

/** The etcd keys of one cluster: every service's election and store sit under `strata/<cluster>/`. */
export const clusterKeys = (cluster: string) => ({
  election: (service: string) => `strata/${cluster}/${service}/election/`,
  store: (service: string) => `strata/${cluster}/${service}/state/`,
});
