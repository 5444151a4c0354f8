import * as path from 'node:path';
import { BINS, ServiceProcess } from './processes';
import type { LocalCluster } from './cluster';

export const CHRONOS_BIN = path.resolve(BINS.master, '..', '..', '..', 'chronos', 'bin', 'strata-chronos.js');

/** A chronos process against a LocalCluster, and a small client for its /v1/scheduler API. */
export class ChronosProcess {
  proc!: ServiceProcess;
  base = '';
  private port = 0;

  constructor(private readonly cluster: LocalCluster, private readonly extraArgs: string[] = []) {}

  static async start(cluster: LocalCluster, extraArgs: string[] = []): Promise<ChronosProcess> {
    const c = new ChronosProcess(cluster, extraArgs);
    await c.launch();
    return c;
  }

  async launch(): Promise<void> {
    this.proc = ServiceProcess.start('chronos', CHRONOS_BIN, ['--master', this.cluster.masterAddress, '--http-port', String(this.port), '--http-address', '127.0.0.1', '--hostname', '127.0.0.1', '--state', path.join(this.cluster.dir.path, 'chronos'), ...this.extraArgs]);
    const line = await this.proc.waitForLog('chronos listening');
    this.port = line.port as number;
    this.base = `http://127.0.0.1:${this.port}/v1/scheduler`;
  }

  async call<T = any>(method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> {
    const r = await fetch(this.base + p, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // text
    }
    return { status: r.status, body: parsed as T };
  }

  async job(name: string) {
    return (await this.call('GET', `/job/${name}`)).body;
  }

  async history(name: string): Promise<{ taskId: string; startTime: string; endTime: string; status: string }[]> {
    return (await this.call('GET', `/job/stat/${name}`)).body.taskStatHistory;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.proc?.stop(signal);
  }
}
