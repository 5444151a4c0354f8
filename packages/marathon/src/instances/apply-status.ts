import { isTerminalState, type TaskStatus__Output } from '@strata/proto';
import type { AppDefinition } from '../model/app-definition';
import { isMarathonLevel } from '../model/health-checks';
import { healthFromStatus } from './conditions';
import type { Instance } from './instance';

/** What follows a status update for the instance, for the runner to carry out. */
export type StatusEffect =
  | 'save' // store the instance's new state
  | 'forget' // a decommissioned instance's task ended: drop it
  | 'replace' // unreachable under the {0, 0} strategy: decommission it, a new one takes its place
  | 'kill-and-save'; // a decommissioned instance's task came up running: kill it

export interface StatusOutcome {
  /** The state moved (instance_changed_event). */
  changed: boolean;
  /** A Mesos-level health verdict was recorded, for the check at this index. */
  healthIndex?: number;
  /** Ended badly while wanted: count it towards the app's backoff and lastTaskFailure. */
  failed: boolean;
  effect: StatusEffect;
}

/**
 * Marathon's status reducer, pure: applies a task's status to its instance (state, message,
 * agent, start time, a Mesos-level health verdict) and says what follows. `now` is the time the
 * update is handled.
 */
export function applyStatus(inst: Instance, s: TaskStatus__Output, app: AppDefinition | undefined, now: number): StatusOutcome {
  const changed = inst.state !== s.state;
  inst.state = s.state;
  inst.message = s.message || undefined;
  if (s.agentId?.value) inst.agentId = s.agentId.value;
  if (s.state === 'TASK_RUNNING' && !inst.startedAt) inst.startedAt = new Date(now).toISOString();
  let healthIndex: number | undefined;
  if (s.healthy !== undefined && app && s.reason === 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED') {
    const index = app.healthChecks.findIndex((x) => !isMarathonLevel(x));
    if (index >= 0) {
      (inst.health ??= {})[index] = healthFromStatus(inst.health[index], s.healthy, s.message, now);
      healthIndex = index;
    }
  }
  const failed = isTerminalState(s.state) && s.state !== 'TASK_KILLED' && s.state !== 'TASK_FINISHED' && !!app;
  return { changed, healthIndex, failed, effect: effectOf(inst, s, app) };
}

function effectOf(inst: Instance, s: TaskStatus__Output, app: AppDefinition | undefined): StatusEffect {
  if (isTerminalState(s.state)) return inst.goal === 'decommissioned' ? 'forget' : 'save';
  if (s.state === 'TASK_UNREACHABLE') {
    const strategy = app?.unreachableStrategy;
    // Marathon's default {0, 0}: replace at once, and kill the old one if it ever comes back.
    return strategy !== 'disabled' && strategy && strategy.inactiveAfterSeconds === 0 ? 'replace' : 'save';
  }
  return inst.goal === 'decommissioned' && s.state === 'TASK_RUNNING' ? 'kill-and-save' : 'save';
}
