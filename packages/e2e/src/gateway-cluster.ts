import { ChronosProcess } from './chronos-process';
import { LocalCluster, type ClusterOptions } from './cluster';
import { MarathonProcess } from './marathon-process';
import { BINS, ServiceProcess } from './processes';

/**
 * A local cluster with Marathon and Chronos behind a gateway: what the UI, the dcos-shaped CLI
 * and the gateway's own tests run against. `base` is the gateway's URL.
 */
export class GatewayCluster {
  private constructor(
    readonly cluster: LocalCluster,
    readonly marathon: MarathonProcess,
    readonly chronos: ChronosProcess,
    readonly gateway: ServiceProcess,
    readonly base: string,
  ) {}

  static async start(opts: ClusterOptions = {}): Promise<GatewayCluster> {
    const cluster = await LocalCluster.start(opts);
    const marathon = await MarathonProcess.start(cluster);
    const chronos = await ChronosProcess.start(cluster);
    const gateway = ServiceProcess.start('gateway', BINS.gateway, ['--port', '0', '--http-address', '127.0.0.1', '--master', cluster.masterAddress, '--marathon', marathon.base, '--chronos', chronos.base.replace(/\/v1\/scheduler$/, '')]);
    const base = `http://127.0.0.1:${(await gateway.waitForLog('gateway listening')).port}`;
    return new GatewayCluster(cluster, marathon, chronos, gateway, base);
  }

  async stop(): Promise<void> {
    await this.gateway.stop();
    await this.chronos.stop();
    await this.marathon.stop();
    await this.cluster.stop();
  }
}
