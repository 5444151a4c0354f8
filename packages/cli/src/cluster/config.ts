import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** `~/.strata/clusters.json`: the clusters `strata cluster setup` attached, and the current one (as `dcos cluster`). */
export interface ClustersFile {
  current?: string;
  clusters: Record<string, { url: string; token?: string }>;
}

export const configDir = () => process.env.STRATA_CONFIG_DIR ?? path.join(os.homedir(), '.strata');
const configFile = () => path.join(configDir(), 'clusters.json');

export function readClusters(): ClustersFile {
  let text: string;
  try {
    text = readFileSync(configFile(), 'utf8');
  } catch {
    return { clusters: {} };
  }
  try {
    const parsed = JSON.parse(text) as ClustersFile;
    return { ...parsed, clusters: parsed.clusters ?? {} };
  } catch (err) {
    throw new Error(`${configFile()} is not valid JSON (${(err as Error).message}): fix or remove it`);
  }
}

/** Written whole to a temporary file and renamed: a crash leaves the old file or the new one, never half. */
export function writeClusters(c: ClustersFile): void {
  mkdirSync(configDir(), { recursive: true });
  const tmp = `${configFile()}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(c, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, configFile());
}

/** The gateway URL commands talk to: STRATA_URL, else the current cluster; none is a clear error. */
export function clusterUrl(): string {
  if (process.env.STRATA_URL) return process.env.STRATA_URL.replace(/\/+$/, '');
  const c = readClusters();
  const url = c.current ? c.clusters[c.current]?.url : undefined;
  if (!url) throw new Error('no cluster is set up: run `strata cluster setup http://HOST:8000` (or set STRATA_URL)');
  return url;
}

/**
 * The Authorization the CLI sends: STRATA_TOKEN, else the current cluster's token from
 * `strata auth login`; none when neither is set (a cluster without authentication).
 */
export function clusterAuthorization(): string | undefined {
  const token = process.env.STRATA_TOKEN || (process.env.STRATA_URL ? undefined : currentCluster()?.token);
  return token ? `token=${token}` : undefined;
}

function currentCluster(): { url: string; token?: string } | undefined {
  const c = readClusters();
  return c.current ? c.clusters[c.current] : undefined;
}

/** Keeps (or with undefined, forgets) the current cluster's token. */
export function setClusterToken(token: string | undefined): string {
  const c = readClusters();
  const name = c.current;
  if (!name || !c.clusters[name]) throw new Error('no cluster is set up: run `strata cluster setup http://HOST:8000` first');
  const { token: _old, ...rest } = c.clusters[name];
  writeClusters({ ...c, clusters: { ...c.clusters, [name]: token ? { ...rest, token } : rest } });
  return name;
}
