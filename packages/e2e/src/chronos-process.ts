import * as path from 'node:path';
import { BINS } from './processes';
import type { ClusterLike } from './framework-process';
import { FrameworkProcess } from './framework-process';

export const CHRONOS_BIN = path.resolve(BINS.master, '..', '..', '..', 'chronos', 'bin', 'strata-chronos.js');

/** A chronos process and its /v1/scheduler API. */
export class ChronosProcess extends FrameworkProcess {
  constructor(cluster: ClusterLike, extraArgs: string[] = []) {
    super(cluster, { name: 'chronos', bin: CHRONOS_BIN, apiPrefix: '/v1/scheduler' }, extraArgs);
  }

  static async start(cluster: ClusterLike, extraArgs: string[] = []): Promise<ChronosProcess> {
    const c = new ChronosProcess(cluster, extraArgs);
    await c.launch();
    return c;
  }

  async job(name: string) {
    return (await this.call('GET', `/job/${name}`)).body;
  }

  async history(name: string): Promise<{ taskId: string; startTime: string; endTime: string; status: string }[]> {
    return (await this.call('GET', `/job/stat/${name}`)).body.taskStatHistory;
  }
}
