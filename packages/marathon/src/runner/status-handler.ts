import { isTerminalState, type TaskStatus__Output } from '@strata/proto';
import { healthFromStatus, condition } from '../instances/conditions';
import { instanceOfTask, isHealthy } from '../instances/instance';
import { LIMIT_WORTHY, onTaskFailure } from '../launch-queue/backoff';
import { isMarathonLevel } from '../model/health-checks';
import type { MarathonContext } from '../marathon-state';
import type { InstanceLifecycle } from './instance-lifecycle';

/** Status updates from the master: the instance's state, health, events, backoff, and what follows (forget, replace, kill). */
export class StatusHandler {
  constructor(
    private readonly ctx: MarathonContext,
    private readonly instances: InstanceLifecycle,
  ) {}

  handle(s: TaskStatus__Output): void {
    const { state, deps } = this.ctx;
    const { events, repo, clock, log } = deps;
    const taskId = s.taskId?.value ?? '';
    log.debug({ taskId, agentId: s.agentId?.value, state: s.state, reason: s.reason, message: s.message }, 'status update');
    const inst = state.instances.byTask(taskId);
    const now = clock.now();
    const nowIso = new Date(now).toISOString();
    if (!inst) {
      // A task we do not know (forgotten, expunged, from an older incarnation): it must not run.
      if (!isTerminalState(s.state) && s.state !== 'TASK_UNREACHABLE') this.ctx.driver()?.kill(taskId, s.agentId?.value);
      else if (isTerminalState(s.state)) {
        const of = instanceOfTask(taskId);
        if (of) events.publish('unknown_instance_terminated_event', { instanceId: of.instanceId, runSpecId: of.appId, condition: condition(s.state) });
      }
      return;
    }
    const app = state.apps.get(inst.appId);
    const changed = inst.state !== s.state;
    inst.state = s.state;
    inst.message = s.message || undefined;
    if (s.agentId?.value) inst.agentId = s.agentId.value;
    if (s.state === 'TASK_RUNNING' && !inst.startedAt) inst.startedAt = nowIso;
    if (s.healthy !== undefined && app && s.reason === 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED') {
      const index = app.healthChecks.findIndex((x) => !isMarathonLevel(x));
      if (index >= 0) {
        (inst.health ??= {})[index] = healthFromStatus(inst.health[index], s.healthy, s.message, now);
        events.publish('health_status_changed_event', { appId: app.id, instanceId: inst.instanceId, taskId, version: inst.appVersion, alive: s.healthy });
        events.publish('instance_health_changed_event', { instanceId: inst.instanceId, runSpecId: app.id, runSpecVersion: inst.appVersion, healthy: isHealthy(inst, app.healthChecks.length) });
      }
    }
    events.publish('status_update_event', {
      slaveId: inst.agentId, taskId, taskStatus: s.state, message: s.message, appId: inst.appId, host: inst.host,
      ipAddresses: inst.host ? [{ ipAddress: inst.host, protocol: 'IPv4' }] : [], ports: inst.ports, version: inst.appVersion,
    });
    if (changed) events.publish('instance_changed_event', { instanceId: inst.instanceId, condition: condition(s.state), runSpecId: inst.appId, agentId: inst.agentId, host: inst.host, runSpecVersion: inst.appVersion });

    const save = () => this.ctx.persist('saveInstance', repo.saveInstance(inst));
    if (isTerminalState(s.state)) {
      if (s.state !== 'TASK_KILLED' && s.state !== 'TASK_FINISHED' && app) {
        state.lastTaskFailure.set(inst.appId, { appId: inst.appId, host: inst.host ?? '', message: s.message, state: s.state, taskId, timestamp: nowIso, version: inst.appVersion, slaveId: inst.agentId ?? '' });
      }
      if (app && LIMIT_WORTHY.has(s.state) && inst.goal === 'running') state.delays.set(app.id, onTaskFailure(app, state.delays.get(app.id), now));
      if (inst.goal === 'decommissioned') this.instances.forget(inst);
      else save();
    } else if (s.state === 'TASK_UNREACHABLE') {
      const strategy = app?.unreachableStrategy;
      // Marathon's default {0, 0}: replace at once, and kill the old one if it ever comes back.
      if (strategy !== 'disabled' && strategy && strategy.inactiveAfterSeconds === 0) this.instances.decommission(inst);
      else save();
    } else {
      if (inst.goal === 'decommissioned' && s.state === 'TASK_RUNNING') this.instances.kill(inst);
      save();
    }
    this.ctx.converge();
  }
}
