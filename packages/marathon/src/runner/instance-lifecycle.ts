import type { MarathonContext } from '../marathon-state';
import { isLive, type Instance } from '../instances/instance';

/** What happens to one instance outside a status update: stopped for good, forgotten, its task killed. */
export class InstanceLifecycle {
  constructor(private readonly ctx: MarathonContext) {}

  /**
   * Stops an instance for good: kill its task if it has one, forget it once it has none.
   * The decision is stored before the kill leaves: a leader that dies in between would leave a
   * successor that still wants the instance, relaunches it when its task ends, and so starts
   * one more than the deployment counted (and kills the surplus later). A failed write sends no
   * kill; the task's next update (reconciliation) finds it decommissioned and kills it then.
   */
  decommission(inst: Instance, why = 'decommissioned'): void {
    inst.goal = 'decommissioned';
    if (inst.taskId && isLive(inst)) {
      const { repo, log } = this.ctx.deps;
      repo.saveInstance(inst).then(
        () => this.kill(inst, why),
        (err: unknown) => log.error({ err, instanceId: inst.instanceId, taskId: inst.taskId }, 'cannot store the decommission; not killing yet'),
      );
    } else if (inst.taskId && inst.state === 'TASK_UNREACHABLE') {
      this.kill(inst, why); // if it ever comes back it must die
      this.forget(inst);
    } else {
      this.forget(inst);
    }
  }

  forget(inst: Instance): void {
    this.ctx.state.instances.untrack(inst);
    this.ctx.persist('deleteInstance', this.ctx.deps.repo.deleteInstance(inst.instanceId));
  }

  /** Kills the instance's task with the app's kill grace period; its goal is unchanged (a running one is replaced). */
  kill(inst: Instance, why: string): void {
    if (!inst.taskId) return;
    const app = this.ctx.state.apps.get(inst.appId) ?? this.ctx.state.deleting.get(inst.appId);
    const graceMs = app?.taskKillGracePeriodSeconds !== undefined ? app.taskKillGracePeriodSeconds * 1000 : undefined;
    this.ctx.deps.log.info({ taskId: inst.taskId, instanceId: inst.instanceId, appId: inst.appId, version: inst.appVersion, state: inst.state, why }, 'killing task');
    this.ctx.driver()?.kill(inst.taskId, inst.agentId, graceMs);
  }
}
