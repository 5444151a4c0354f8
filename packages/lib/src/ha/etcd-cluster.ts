import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync } from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../net/free-port';

export interface EtcdMember {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  readonly running: boolean;
  pid?: number;
}

export interface EtcdClusterOptions {
  /** Members (default 3: one may be lost without anyone noticing). */
  members?: number;
  /** Data dirs and logs go under this. */
  dir: string;
  host?: string;
  /** Fixed client and peer ports (`strata up --ha`: a data dir kept across runs remembers its peers); random free ports otherwise. */
  clientPorts?: number[];
  peerPorts?: number[];
  /**
   * etcd's heartbeat and election timeouts (ms). The defaults (50/500) let a 1 s lease be
   * granted as 1 s (etcd's floor is 1.5 x the election timeout) on one machine's loopback.
   */
  heartbeatMs?: number;
  electionMs?: number;
  binary?: string;
}

/** The etcd binary, or a clear error (CI installs Debian's etcd-server: never a silent skip). */
export function etcdBinary(binary = process.env.STRATA_ETCD ?? 'etcd'): string {
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`etcd is not installed or does not run ('${binary} --version' failed: ${r.error?.message ?? r.stderr}); install Debian's etcd-server (bash tools/install-system-deps.sh)`);
  return binary;
}

/**
 * A real etcd cluster of local processes on loopback ports, for tests, benchmarks and
 * `strata up --ha`. Members can be killed, stopped and started again on their data.
 */
export class EtcdCluster {
  readonly members: (EtcdMember & { child?: ChildProcess })[] = [];
  private constructor(private readonly opts: Required<Omit<EtcdClusterOptions, 'clientPorts' | 'peerPorts'>>) {}

  static async start(options: EtcdClusterOptions): Promise<EtcdCluster> {
    const opts = { members: 3, host: '127.0.0.1', heartbeatMs: 50, electionMs: 500, binary: etcdBinary(options.binary), ...options };
    const c = new EtcdCluster(opts as Required<Omit<EtcdClusterOptions, 'clientPorts' | 'peerPorts'>>);
    for (let i = 0; i < opts.members; i++) {
      const name = `etcd${i}`;
      const clientPort = options.clientPorts?.[i] ?? (await freePort(opts.host));
      const peerPort = options.peerPorts?.[i] ?? (await freePort(opts.host));
      c.members.push({ name, clientUrl: `http://${opts.host}:${clientPort}`, peerUrl: `http://${opts.host}:${peerPort}`, dataDir: path.join(opts.dir, name), running: false });
    }
    try {
      // A member with data from an earlier run rejoins on it (its peers are in the data).
      for (const m of c.members) c.spawn(m, existsSync(path.join(m.dataDir, 'member')) ? 'existing' : 'new');
      await c.waitHealthy(c.members, 20_000);
    } catch (err) {
      await c.stop();
      throw err;
    }
    return c;
  }

  /** Client URLs of every member, for `--etcd`. */
  get endpoints(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  /** `etcd://host:port,…/cluster` for `--master`. */
  masterUrl(cluster: string): string {
    return `etcd://${this.members.map((m) => m.clientUrl.replace(/^http:\/\//, '')).join(',')}/${cluster}`;
  }

  private spawn(m: EtcdMember & { child?: ChildProcess }, state: 'new' | 'existing'): void {
    mkdirSync(m.dataDir, { recursive: true });
    const logFd = openSync(`${m.dataDir}.log`, 'a');
    const initialCluster = this.members.map((x) => `${x.name}=${x.peerUrl}`).join(',');
    const child = spawn(
      this.opts.binary,
      [
        '--name', m.name, '--data-dir', m.dataDir,
        '--listen-client-urls', m.clientUrl, '--advertise-client-urls', m.clientUrl,
        '--listen-peer-urls', m.peerUrl, '--initial-advertise-peer-urls', m.peerUrl,
        '--initial-cluster', initialCluster, '--initial-cluster-state', state, '--initial-cluster-token', path.basename(this.opts.dir),
        '--heartbeat-interval', String(this.opts.heartbeatMs), '--election-timeout', String(this.opts.electionMs),
        // A member cut off and back must not depose the cluster's leader with the terms it ran up alone.
        '--pre-vote',
        '--logger', 'zap', '--log-level', 'warn',
      ],
      { stdio: ['ignore', logFd, logFd] },
    );
    closeSync(logFd);
    // A test or CLI process that dies must not leave etcd behind.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => {
      process.removeListener('exit', reap);
      if (m.child === child) {
        m.child = undefined;
        (m as { running: boolean }).running = false;
        m.pid = undefined;
      }
    });
    m.child = child;
    m.pid = child.pid;
    (m as { running: boolean }).running = true;
  }

  private async waitHealthy(members: EtcdMember[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const m of members) {
      for (;;) {
        if (!m.running) throw new Error(`etcd member ${m.name} exited; see ${m.dataDir}.log`);
        try {
          const r = await fetch(`${m.clientUrl}/health`, { signal: AbortSignal.timeout(1_000) });
          if (r.ok && ((await r.json()) as { health?: string }).health === 'true') break;
        } catch {
          // not up yet
        }
        if (Date.now() > deadline) throw new Error(`etcd member ${m.name} not healthy within ${timeoutMs} ms; see ${m.dataDir}.log`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Ends member i with a signal (SIGKILL: a crash) and waits for it to exit. */
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const m = this.members[i]!;
    const child = m.child;
    if (!child) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  /** Starts member i again on its data; waits until it is healthy when `wait` (a lone member of a lost quorum is not). */
  async restart(i: number, wait = true): Promise<void> {
    const m = this.members[i]!;
    if (m.running) return;
    this.spawn(m, 'existing');
    if (wait) await this.waitHealthy([m], 20_000);
  }

  async waitAllHealthy(timeoutMs = 20_000): Promise<void> {
    await this.waitHealthy(this.members, timeoutMs);
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((_, i) => this.kill(i, 'SIGTERM')));
  }
}
