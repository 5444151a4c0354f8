import * as path from 'node:path';
import { clusterFetch, tlsFromEnv } from '@strata/lib';
import { ServiceProcess } from './processes';


/** What a framework process needs of its cluster: `--master`, and a directory for its state. */
export interface ClusterLike {
  masterAddress: string;
  dir: { path: string };
}

/**
 * A framework service (marathon, chronos) as its own process against a cluster (LocalCluster, HaCluster), restartable
 * on the same port and state, with a small JSON client for its API.
 */
export class FrameworkProcess {
  proc!: ServiceProcess;
  base = '';
  private port = 0;

  constructor(
    private readonly cluster: ClusterLike,
    private readonly spec: { name: string; bin: string; apiPrefix: string; stateName?: string },
    private readonly extraArgs: string[] = [],
    /** Added to its environment (LIBPROCESS_SSL_* for a master that serves TLS). */
    private readonly env: Record<string, string> = {},
  ) {}

  /** Starts (or starts again, on the same port and state) the process. */
  async launch(): Promise<void> {
    const { name, bin } = this.spec;
    this.proc = ServiceProcess.start(name, bin, ['--master', this.cluster.masterAddress, '--http-port', String(this.port), '--http-address', '127.0.0.1', '--hostname', '127.0.0.1', '--state', path.join(this.cluster.dir.path, this.spec.stateName ?? name), ...this.extraArgs], this.env);
    const line = await this.proc.waitForLog(`${name} listening`);
    this.port = line.port as number;
    this.base = `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}${this.spec.apiPrefix}`;
  }

  /** Sent on every call() when the service authenticates. */
  authorization?: string;

  /** Its listener serves TLS when its environment says so (LIBPROCESS_SSL_*): call() then speaks https with that CA. */
  private get tls() {
    return tlsFromEnv(this.env);
  }

  async call<T = any>(method: string, p: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
    const headers: Record<string, string> = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(this.authorization ? { authorization: this.authorization } : {}) };
    const r = await clusterFetch(this.tls)(this.base + p, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: r.status, body: parsed as T, headers: r.headers };
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.proc?.stop(signal);
  }
}
