import * as http from 'node:http';
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { randomUUID } from 'node:crypto';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { Registry } from 'prom-client';
import { OPEN_PATHS, isStrataError, keepConnections, peerRefused, schemeOf, serverTlsOptions, tlsFromEnv, type HttpSecurity, type Logger, type StateStore, type TlsConfig } from '@strata/lib';
import { EtcdStateStore, Leadership, LeaderWatch, clusterKeys, connectEtcd, workerLease, type EtcdTarget, type LeaderInfo } from '@strata/lib/ha';

/**
 * What one term of a framework service is: the HTTP handler that serves while it leads (from
 * the moment the term begins: it answers 503 itself until its state is loaded), `ready` when it
 * has loaded its state and subscribed, and how it stops.
 */
export interface ServiceTerm {
  handler: http.RequestListener;
  ready: Promise<void>;
  stop(): Promise<void>;
}

export interface TermContext {
  /** The store for this term: etcd fenced by this term's lease, or the file store when alone. */
  store: StateStore;
  /** True while this term may act (its lease cannot have expired); frameworks drop calls otherwise. */
  acting(): boolean;
  /** The HTTP port the service listens on. */
  port: number;
}

export interface ElectedServiceOptions {
  /** 'marathon' or 'chronos': the election and store prefix under the cluster. */
  service: string;
  host: string;
  port: number;
  hostname: string;
  log: Logger;
  metrics: Registry;
  /** With etcd: state there and one leader among the instances; without: the one instance leads, on `fileStore`. */
  etcd?: EtcdTarget;
  ttlSeconds?: number;
  fileStore(): StateStore;
  startTerm(ctx: TermContext): Promise<ServiceTerm>;
  /** Answers a standby gives itself (e.g. GET /v2/leader); undefined: proxy to the leader. */
  standby?(req: http.IncomingMessage, leader: LeaderInfo | undefined): { status: number; body: unknown } | undefined;
  /** Body of the 503 when nobody leads, in the API's error shape. */
  noLeaderBody(message: string): unknown;
  /** Header a proxied request carries (Marathon's X-Marathon-Via): a request that comes back is refused, not looped. */
  viaHeader: string;
  /** Header naming the leader on every answer (Marathon's X-Marathon-Leader). */
  leaderHeader?: string;
  /**
   * Authentication: what the front answers itself (/metrics, and everything on a standby) asks
   * for credentials first; a term's app checks its own requests. `open` paths stay open.
   */
  security?: HttpSecurity;
  /** Body of a 401, in the API's error shape (default: `{message}`). */
  unauthenticatedBody?(message: string): unknown;
  /** Serve TLS (Mesos's LIBPROCESS_SSL_* variables), and reach the leader over TLS. */
  tls?: TlsConfig;
}

/** The options every framework service passes the same way, from how it was started. */
export function electedServiceBase(
  service: string,
  opts: { config: { httpPort: number; hostname: string }; host?: string; log: Logger; etcd?: EtcdTarget; leaseTtlSeconds?: number; store?: StateStore; stateDir: string; security?: HttpSecurity },
  metrics: Registry,
  fileStore: (dir: string) => StateStore,
): Pick<ElectedServiceOptions, 'service' | 'host' | 'port' | 'hostname' | 'log' | 'metrics' | 'etcd' | 'ttlSeconds' | 'fileStore' | 'security' | 'tls'> {
  const tls = tlsFromEnv();
  return {
    ...(tls ? { tls } : {}),
    service,
    host: opts.host ?? '0.0.0.0',
    port: opts.config.httpPort,
    hostname: opts.config.hostname,
    log: opts.log,
    metrics,
    etcd: opts.etcd,
    ttlSeconds: opts.leaseTtlSeconds,
    fileStore: () => opts.store ?? fileStore(opts.stateDir),
    security: opts.security,
  };
}

export interface RunningElectedService {
  port: number;
  id: string;
  leading(): boolean;
  leader(): LeaderInfo | undefined;
  /** Gives up leadership (DELETE /v2/leader): a standby takes over, this one stands by. */
  abdicate(): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * A framework service that may run as several instances: one leads (its term serves the API,
 * holds the framework's subscription and writes the state, fenced by its etcd lease), the
 * others proxy every API call to it, as Marathon's standbys do, and answer /metrics and their
 * own leader queries themselves. A term is made fresh on each election, from the stored state,
 * and ends when the lease is lost; the process stays and campaigns again.
 */
export async function serveElected(opts: ElectedServiceOptions): Promise<RunningElectedService> {
  const id = randomUUID();
  const log = opts.log;
  let term: ServiceTerm | undefined;
  let leader: LeaderInfo | undefined;
  let port = opts.port;
  const self: LeaderInfo = { id, address: '', hostname: opts.hostname };
  const etcd = opts.etcd ? connectEtcd(opts.etcd.endpoints) : undefined;
  const keys = opts.etcd ? clusterKeys(opts.etcd.cluster) : undefined;
  let leadership: Leadership | undefined;
  const scheme = schemeOf(opts.tls);

  const proxy = createProxyMiddleware<http.IncomingMessage, http.ServerResponse>({
    router: () => `${scheme}://${leader!.address}`,
    changeOrigin: false,
    ...(opts.tls ? { agent: new https.Agent({ keepAlive: true, ca: opts.tls.ca, cert: opts.tls.cert, key: opts.tls.key }) } : {}),
    xfwd: true,
    on: {
      proxyReq: (proxyReq) => proxyReq.setHeader(opts.viaHeader, self.address),
      error: (err, _req, res) => {
        const r = res as http.ServerResponse;
        if (r.headersSent) return void r.destroy();
        send(r, 503, opts.noLeaderBody(`cannot reach the leader at ${leader?.address}: ${err.message}`));
      },
    },
  });

  /** A string goes as text/plain (Marathon's /ping), anything else as JSON. */
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  const open = new Set(opts.security?.open ?? OPEN_PATHS);
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const leaderUrl = leader?.address;
    if (opts.leaderHeader && leaderUrl) res.setHeader(opts.leaderHeader, `${scheme}://${leaderUrl}`);
    const path = (req.url ?? '/').split('?')[0]!;
    if (!opts.security || open.has(path) || (term && path !== '/metrics')) return answer(req, res, path);
    opts.security.authenticator.principalOf(req.headers.authorization).then(
      (principal) => (principal === undefined ? refuse(res, 'authentication required: send Authorization (token=JWT, Bearer JWT or Basic)') : answer(req, res, path)),
      (err: unknown) => (isStrataError(err) && err.code === 'UNAUTHENTICATED' ? refuse(res, err.message) : send(res, 500, { message: 'internal error' })),
    );
  };
  const refuse = (res: http.ServerResponse, message: string) => {
    res.setHeader('WWW-Authenticate', ['Basic realm="strata"', 'acsjwt']);
    send(res, 401, opts.unauthenticatedBody ? opts.unauthenticatedBody(message) : { message });
  };
  const answer = (req: http.IncomingMessage, res: http.ServerResponse, path: string) => {
    const leaderUrl = leader?.address;
    if (path === '/metrics') {
      opts.metrics.metrics().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': opts.metrics.contentType });
          res.end(text);
        },
        (err: unknown) => send(res, 500, { message: (err as Error).message }),
      );
      return;
    }
    if (term) return term.handler(req, res);
    const local = opts.standby?.(req, leader);
    if (local) return send(res, local.status, local.body);
    if (path === '/health') return send(res, 200, { healthy: true, leading: false, leader: leaderUrl ?? null });
    if (!leader || leader.id === id) return send(res, 503, opts.noLeaderBody('no leader is elected right now; retry shortly'));
    if (req.headers[opts.viaHeader.toLowerCase()]) return send(res, 503, opts.noLeaderBody(`not the leader, and this request was already proxied (via ${req.headers[opts.viaHeader.toLowerCase()]}); leader changing`));
    // Proxy errors are answered by the `error` hook above; the promise itself never carries one we have not answered.
    proxy(req, res, (err?: unknown) => send(res, 503, opts.noLeaderBody(String((err as Error)?.message ?? err)))).catch((err: unknown) => {
      log.warn({ err, path }, 'proxying to the leader failed');
      if (!res.headersSent) send(res, 503, opts.noLeaderBody(`cannot reach the leader: ${(err as Error).message}`));
    });
  };
  const server = opts.tls ? https.createServer(serverTlsOptions(opts.tls), handler) : http.createServer(handler);
  if (opts.tls) server.on('secureConnection', (s: TLSSocket) => peerRefused(s) && s.destroy());
  keepConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  port = (server.address() as { port: number }).port;
  self.address = `${opts.hostname}:${port}`;

  const begin = async (store: StateStore, acting: () => boolean): Promise<void> => {
    const t = await opts.startTerm({ store, acting, port });
    if (!acting()) return t.stop(); // lost already
    term = t;
    leader = self;
    await t.ready;
    log.info({ id, service: opts.service }, 'leading: state loaded, subscribed');
  };

  let stopWatch: () => Promise<void> = async () => undefined;
  if (!etcd || !keys) {
    try {
      await begin(opts.fileStore(), () => true);
    } catch (err) {
      await term?.stop().catch(() => undefined);
      server.close();
      server.closeAllConnections();
      throw err;
    }
  } else {
    const election = keys.election(opts.service);
    const lead = new Leadership({ client: etcd, election, self, ttlSeconds: opts.ttlSeconds ?? 2, log, leases: workerLease(opts.etcd!.endpoints) });
    leadership = lead;
    const watch = new LeaderWatch(etcd, election, log);
    watch.on('change', (l) => {
      leader = term ? self : l;
      log.info({ leader: l?.address ?? null }, l ? 'leader is now' : 'no leader elected');
    });
    await watch.start();
    leader = watch.leader;
    lead.on('elected', () => {
      // A store of this term's own: its writes, also those still queued when the term ends, hold only under this term's fence.
      const held = lead.currentTerm();
      begin(new EtcdStateStore(etcd, { prefix: keys.store(opts.service), fence: held.fence }), held.acting).catch(async (err: unknown) => {
        log.error({ err }, 'cannot take up leadership (state could not be loaded); resigning');
        await lead.resign('state load failed');
      });
    });
    lead.on('deposed', (reason) => {
      const t = term;
      term = undefined;
      leader = undefined;
      log.warn({ id, reason }, 'no longer leader: standing by');
      t?.stop().catch((err: unknown) => log.error({ err }, 'stopping the term failed'));
      watch.refresh().catch(() => undefined);
    });
    lead.start();
    stopWatch = () => watch.stop();
  }

  log.info({ port, host: opts.host, id, etcd: opts.etcd?.endpoints, cluster: opts.etcd?.cluster }, `${opts.service} listening`);
  return {
    port,
    id,
    leading: () => !!term,
    leader: () => leader,
    abdicate: async () => {
      if (!leadership || !term) return false;
      await leadership.resign('abdicated');
      return true;
    },
    stop: async () => {
      await leadership?.stop();
      await stopWatch();
      const t = term;
      term = undefined;
      await t?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      etcd?.close();
    },
  };
}
