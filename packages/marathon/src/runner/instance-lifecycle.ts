import type { MarathonContext } from '../marathon-state';
import { isLive, type Instance } from '../instances/instance';

/** What happens to one instance outside a status update: stopped for good, forgotten, its task killed. */
export class InstanceLifecycle {
  constructor(private readonly ctx: MarathonContext) {}

  /** Stops an instance for good: kill its task if it has one, forget it once it has none. */
  decommission(inst: Instance): void {
    inst.goal = 'decommissioned';
    if (inst.taskId && isLive(inst)) {
      this.kill(inst);
      this.ctx.persist('saveInstance', this.ctx.deps.repo.saveInstance(inst));
    } else if (inst.taskId && inst.state === 'TASK_UNREACHABLE') {
      this.kill(inst); // if it ever comes back it must die
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
  kill(inst: Instance): void {
    if (!inst.taskId) return;
    const app = this.ctx.state.apps.get(inst.appId);
    const graceMs = app?.taskKillGracePeriodSeconds !== undefined ? app.taskKillGracePeriodSeconds * 1000 : undefined;
    this.ctx.driver()?.kill(inst.taskId, inst.agentId, graceMs);
  }
}
