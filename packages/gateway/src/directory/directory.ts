import { StrataError, clusterFetch, schemeOf, type Clock, type Logger, type TlsConfig } from '@strata/lib';
import { MasterLocator } from '@strata/lib/ha';
import { describeRoute, type UpstreamRoute } from '../routes/route-table';
import { Rotation } from './rotation';
import { servicesFromApps, type AppWithTasks, type ServiceEndpoint } from './services';

export interface DirectoryOptions {
  /** The masters: host:port, a list, or etcd://…/NAME (the leader is followed). */
  master: string;
  marathon: string[];
  chronos: string[];
  clock: Clock;
  log: Logger;
  /** Sent on the directory's own reads (agents, services) when authentication is on. */
  authorization?: string;
  /** The cluster serves TLS: masters and agents are https, read with the cluster CA. */
  tls?: TlsConfig;
  /** Agents' and services' addresses are read again when older than this (default 5 s)… */
  refreshMs?: number;
  /** …or on a miss, when older than this (default 500 ms): a new agent or app is found at once. */
  missRefreshMs?: number;
}

interface Snapshot<T> {
  at: number;
  value: Map<string, T>;
  loading?: Promise<void>;
}

/**
 * Which address each route means now: the leading master (through its locator), a Marathon and
 * a Chronos (any instance; standbys forward), an agent's HTTP address from the master's state,
 * a service's tasks from Marathon's apps. The only I/O behind the route table.
 */
export class Directory {
  private readonly masters: MasterLocator;
  private readonly marathon: Rotation;
  private readonly chronos: Rotation;
  private readonly agents: Snapshot<string> = { at: -Infinity, value: new Map() };
  private readonly services: Snapshot<ServiceEndpoint> = { at: -Infinity, value: new Map() };
  private turn = 0;

  constructor(private readonly opts: DirectoryOptions) {
    this.masters = MasterLocator.parse(opts.master, opts.log);
    this.marathon = new Rotation(opts.marathon);
    this.chronos = new Rotation(opts.chronos);
  }

  /** The base URL (scheme, host, port) to send `route` to; a StrataError when there is none. */
  async upstream(route: UpstreamRoute): Promise<string> {
    switch (route.kind) {
      case 'master':
        return `${schemeOf(this.opts.tls)}://${await this.leadingMaster()}`;
      case 'marathon':
      case 'chronos': {
        const url = (route.kind === 'marathon' ? this.marathon : this.chronos).current;
        if (!url) throw new StrataError('NO_UPSTREAM', `${describeRoute(route)} is not configured on this gateway`);
        return url;
      }
      case 'agent': {
        const url = await this.lookup(this.agents, route.id, () => this.loadAgents());
        if (!url) throw new StrataError('NOT_FOUND', `agent '${route.id}' is not known to the master`, { context: { agentId: route.id } });
        return url;
      }
      case 'service': {
        const svc = await this.lookup(this.services, route.name, () => this.loadServices());
        if (!svc) throw new StrataError('NOT_FOUND', `no app declares DCOS_SERVICE_NAME '${route.name}'`, { context: { service: route.name } });
        if (!svc.urls.length) throw new StrataError('NO_UPSTREAM', `service '${route.name}' (app ${svc.app}) has no running task to answer`, { context: { service: route.name, appId: svc.app } });
        return svc.urls[this.turn++ % svc.urls.length]!;
      }
    }
  }

  /** The upstream at `url` could not be reached for `route`: the next request tries elsewhere. */
  failed(route: UpstreamRoute, url: string): void {
    if (route.kind === 'master') this.masters.unreachable(url.replace(/^https?:\/\//, ''));
    else if (route.kind === 'marathon') this.marathon.failed(url);
    else if (route.kind === 'chronos') this.chronos.failed(url);
    else if (route.kind === 'agent') this.agents.at = -Infinity;
    else this.services.at = -Infinity;
  }

  /** What the gateway forwards to, for /health. */
  describe(): Record<string, unknown> {
    return { master: this.masters.address ?? null, marathon: this.marathon.current ?? null, chronos: this.chronos.current ?? null, agents: this.agents.value.size, services: [...this.services.value.keys()] };
  }

  async stop(): Promise<void> {
    await this.masters.stop();
  }

  private async leadingMaster(): Promise<string> {
    try {
      return await this.masters.leader(2_000);
    } catch (err) {
      throw new StrataError('NO_UPSTREAM', (err as Error).message, { cause: err });
    }
  }

  private async lookup<T>(snap: Snapshot<T>, key: string, load: () => Promise<Map<string, T>>): Promise<T | undefined> {
    const age = this.opts.clock.now() - snap.at;
    const stale = age >= (this.opts.refreshMs ?? 5_000) || (!snap.value.has(key) && age >= (this.opts.missRefreshMs ?? 500));
    if (stale) {
      // One read at a time however many requests miss together.
      snap.loading ??= load()
        .then((value) => {
          snap.value = value;
          snap.at = this.opts.clock.now();
        })
        .finally(() => (snap.loading = undefined));
      try {
        await snap.loading;
      } catch (err) {
        // An older answer beats none; with none, the failure is the answer.
        if (!snap.value.size) throw err;
        this.opts.log.warn({ err: (err as Error).message }, 'cannot refresh the gateway directory: using the last answer');
      }
    }
    return snap.value.get(key);
  }

  private async loadAgents(): Promise<Map<string, string>> {
    const scheme = schemeOf(this.opts.tls);
    const base = `${scheme}://${await this.leadingMaster()}`;
    const state = await this.json<{ slaves: { id: string; hostname: string; port: number }[] }>(`${base}/master/state`, 'the leading master');
    return new Map(state.slaves.map((s) => [s.id, `${scheme}://${s.hostname}:${s.port}`]));
  }

  private async loadServices(): Promise<Map<string, ServiceEndpoint>> {
    const url = this.marathon.current;
    if (!url) return new Map();
    const body = await this.json<{ apps: AppWithTasks[] }>(`${url}/v2/apps?embed=apps.tasks`, 'Marathon');
    return servicesFromApps(body.apps);
  }

  private async json<T>(url: string, who: string): Promise<T> {
    let resp: Response;
    try {
      resp = await clusterFetch(this.opts.tls)(url, { signal: AbortSignal.timeout(5_000), headers: this.opts.authorization ? { authorization: this.opts.authorization } : {} });
    } catch (err) {
      throw new StrataError('UPSTREAM_FAILED', `cannot reach ${who} at ${url}: ${(err as Error).message}`, { cause: err });
    }
    if (!resp.ok) throw new StrataError('UPSTREAM_FAILED', `${who} answered ${resp.status} to ${url}`);
    return (await resp.json()) as T;
  }
}
