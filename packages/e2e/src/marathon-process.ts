import * as path from 'node:path';
import { BINS, ServiceProcess } from './processes';
import type { LocalCluster } from './cluster';

export const MARATHON_BIN = path.resolve(BINS.master, '..', '..', '..', 'marathon', 'bin', 'strata-marathon.js');

/** A marathon process against a LocalCluster, and a small client for its /v2 API. */
export class MarathonProcess {
  proc!: ServiceProcess;
  base = '';
  private port = 0;

  constructor(private readonly cluster: LocalCluster, private readonly extraArgs: string[] = []) {}

  static async start(cluster: LocalCluster, extraArgs: string[] = []): Promise<MarathonProcess> {
    const m = new MarathonProcess(cluster, extraArgs);
    await m.launch();
    return m;
  }

  /** Starts (or starts again, on the same port and state) the marathon process. */
  async launch(): Promise<void> {
    this.proc = ServiceProcess.start('marathon', MARATHON_BIN, ['--master', this.cluster.masterAddress, '--http-port', String(this.port), '--http-address', '127.0.0.1', '--hostname', '127.0.0.1', '--state', path.join(this.cluster.dir.path, 'marathon'), ...this.extraArgs]);
    const line = await this.proc.waitForLog('marathon listening');
    this.port = line.port as number;
    this.base = `http://127.0.0.1:${this.port}`;
  }

  async call<T = any>(method: string, p: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
    const r = await fetch(this.base + p, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: r.status, body: parsed as T, headers: r.headers };
  }

  async app(id: string) {
    return (await this.call('GET', `/v2/apps${id}`)).body.app;
  }

  async deployments(): Promise<{ id: string; affectedApps: string[] }[]> {
    return (await this.call('GET', '/v2/deployments')).body;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.proc?.stop(signal);
  }
}
