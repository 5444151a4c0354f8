import * as path from 'node:path';
import { BINS } from './processes';
import type { ClusterLike } from './framework-process';
import { FrameworkProcess } from './framework-process';

export const MARATHON_BIN = path.resolve(BINS.master, '..', '..', '..', 'marathon', 'bin', 'strata-marathon.js');

/** A marathon process and its /v2 API. */
export class MarathonProcess extends FrameworkProcess {
  constructor(cluster: ClusterLike, extraArgs: string[] = [], env: Record<string, string> = {}) {
    super(cluster, { name: 'marathon', bin: MARATHON_BIN, apiPrefix: '' }, extraArgs, env);
  }

  static async start(cluster: ClusterLike, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<MarathonProcess> {
    const m = new MarathonProcess(cluster, extraArgs, env);
    await m.launch();
    return m;
  }

  async app(id: string) {
    return (await this.call('GET', `/v2/apps${id}`)).body.app;
  }

  async deployments(): Promise<{ id: string; affectedApps: string[] }[]> {
    return (await this.call('GET', '/v2/deployments')).body;
  }
}
