import { readClusters, writeClusters } from '../cluster/config';
import { GatewayClient } from '../cluster/gateway-client';
import { table } from '../table';

/** `strata cluster setup URL`: checks that a gateway answers there, then attaches it and makes it current. */
export async function clusterSetup(url: string, o: { name?: string }): Promise<void> {
  const base = url.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(base)) throw new Error(`'${url}' is not a cluster URL: give http(s)://HOST:PORT of its gateway`);
  const health = await new GatewayClient(base).get<{ healthy?: boolean }>('/health');
  if (!health || typeof health !== 'object') throw new Error(`${base} answered /health, but not as a Strata gateway`);
  const name = o.name ?? new URL(base).host;
  const c = readClusters();
  writeClusters({ current: name, clusters: { ...c.clusters, [name]: { url: base } } });
  process.stdout.write(`cluster ${name} (${base}) set up and current\n`);
}

export function clusterList(o: { json?: boolean }): void {
  const c = readClusters();
  const rows = Object.entries(c.clusters).map(([name, { url }]) => ({ name, url, current: name === c.current }));
  if (o.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  process.stdout.write(table(['NAME', 'URL', 'CURRENT'], rows.map((r) => [r.name, r.url, r.current ? '*' : ''])) + '\n');
}
