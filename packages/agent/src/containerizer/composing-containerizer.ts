import { isDockerTask, type Container, type Containerizer, type LaunchSpec, type RecoverSpec } from './containerizer';

/** Picks the containerizer by task type, like Mesos's ComposingContainerizer. */
export class ComposingContainerizer implements Containerizer {
  constructor(
    private readonly process: Containerizer,
    private readonly docker: Containerizer | undefined,
    /** Why Docker tasks cannot run here, when there is no Docker containerizer. */
    private readonly dockerUnavailable = 'no Docker engine',
  ) {}

  private pick(task: LaunchSpec['task']): Containerizer {
    if (!isDockerTask(task)) return this.process;
    if (!this.docker) throw new Error(`DOCKER tasks cannot run on this agent: ${this.dockerUnavailable}`);
    return this.docker;
  }

  launch(spec: LaunchSpec): Promise<Container> {
    try {
      return this.pick(spec.task).launch(spec);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  recover(spec: RecoverSpec): Container {
    if (isDockerTask(spec.task) && !this.docker) {
      return { pid: undefined, startTicks: undefined, exited: Promise.resolve({ code: null, signal: null, killed: spec.killRequested, lost: true }), kill() {}, async destroy() {} };
    }
    return this.pick(spec.task).recover(spec);
  }

  async cleanupOrphans(live: Set<string>): Promise<void> {
    await this.docker?.cleanupOrphans?.(live);
  }
}
