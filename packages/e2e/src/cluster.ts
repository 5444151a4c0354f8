import { tmpDir, waitFor } from '@strata/lib/testing';
import * as path from 'node:path';
import { httpsGet } from './https-get';
import { BINS, ServiceProcess } from './processes';

export interface ClusterOptions {
  agents?: number;
  /** `--resources` per agent (same for all unless an array is given). */
  resources?: string | string[];
  masterArgs?: string[];
  agentArgs?: string[];
  env?: Record<string, string>;
  /** The harness's own Authorization on its reads (/master/state) when the master authenticates. */
  authorization?: string;
  /** The master serves TLS: the harness reads it over https trusting this CA (PEM). */
  tlsCa?: Buffer;
}

export interface StateJson {
  slaves: { id: string; active: boolean; hostname: string; port: number; resources: Record<string, number | string>; used_resources: Record<string, number | string>; offered_resources: Record<string, number | string> }[];
  frameworks: { id: string; name: string; principal?: string; connected?: boolean; tasks: { id: string; state: string; slave_id: string }[]; completed_tasks: { id: string; state: string; slave_id: string }[]; offered_resources: Record<string, number | string>; used_resources: Record<string, number | string> }[];
  completed_frameworks: { id: string }[];
}

/**
 * A real cluster for tests and benchmarks: a master process and agent processes started from
 * the same bins operators run, on ports the OS picks, in a temp directory of their own.
 */
export class LocalCluster {
  master!: ServiceProcess;
  agents: ServiceProcess[] = [];
  masterAddress = '';
  readonly dir = tmpDir('strata-cluster-');

  static async start(opts: ClusterOptions = {}): Promise<LocalCluster> {
    const c = new LocalCluster();
    try {
      await c.startMaster(opts);
      const n = opts.agents ?? 1;
      for (let i = 0; i < n; i++) {
        const resources = Array.isArray(opts.resources) ? opts.resources[i] : opts.resources;
        await c.startAgent(i, resources ?? 'cpus:4;mem:4096;disk:4096;ports:[31000-31100]', opts);
      }
      await c.waitForActiveAgents(n);
      return c;
    } catch (err) {
      await c.stop(); // never leave half a cluster running
      throw err;
    }
  }

  private opts: ClusterOptions = {};

  private async startMaster(opts: ClusterOptions, port = 0): Promise<void> {
    this.opts = opts;
    this.master = ServiceProcess.start('master', BINS.master, ['--ip', '127.0.0.1', '--port', String(port), '--hostname', '127.0.0.1', '--work-dir', path.join(this.dir.path, 'master'), ...(opts.masterArgs ?? [])], opts.env);
    const line = await this.master.waitForLog('master listening');
    this.masterAddress = `127.0.0.1:${line.port}`;
  }

  /** Starts the master again on the same port and work dir (after it was stopped or killed). */
  async restartMaster(): Promise<void> {
    const port = Number(this.masterAddress.split(':')[1]);
    await this.startMaster(this.opts, port);
  }

  /** Starts agent i again with its earlier work dir and resources (after it was stopped or killed). */
  async restartAgent(i: number): Promise<ServiceProcess> {
    return this.startAgent(i, this.agentResources[i]!, this.opts);
  }

  private agentResources: string[] = [];

  async startAgent(i: number, resources: string, opts: ClusterOptions = {}): Promise<ServiceProcess> {
    this.agentResources[i] = resources;
    const agent = ServiceProcess.start(`agent-${i}`, BINS.agent, ['--master', this.masterAddress, '--ip', '127.0.0.1', '--port', '0', '--hostname', '127.0.0.1', '--work-dir', path.join(this.dir.path, `agent-${i}`), '--resources', resources, ...(opts.agentArgs ?? [])], opts.env);
    this.agents[i] = agent;
    await agent.waitForLog(['agent registered', 'agent reregistered']);
    return agent;
  }

  async state(): Promise<StateJson> {
    const headers: Record<string, string> = this.opts.authorization ? { authorization: this.opts.authorization } : {};
    if (this.opts.tlsCa) return JSON.parse((await httpsGet(`https://${this.masterAddress}/master/state`, { ca: this.opts.tlsCa }, headers)).body) as StateJson;
    const resp = await fetch(`http://${this.masterAddress}/master/state`, { headers });
    return (await resp.json()) as StateJson;
  }

  async waitForActiveAgents(n: number): Promise<void> {
    await waitFor(async () => (await this.state()).slaves.filter((s) => s.active).length >= n, { what: `${n} active agents`, timeoutMs: 15_000 });
  }

  /** Stops agents first, killing their tasks (SIGUSR1, as Mesos), then the master; removes the temp dir. */
  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a?.stop('SIGUSR1')));
    await this.master?.stop('SIGTERM');
    this.dir.remove();
  }
}
