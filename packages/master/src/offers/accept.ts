import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';
import type { TaskInfo__Output, ReasonName, TaskStateName } from '@strata/proto';
import type { OutstandingOffer } from './offer-book';

export interface TaskRejection {
  task: TaskInfo__Output;
  state: TaskStateName;
  reason: ReasonName;
  message: string;
}

export interface AcceptPlan {
  /** Tasks to launch, each with its resources already parsed. */
  launch: { task: TaskInfo__Output; resources: Resources }[];
  rejected: TaskRejection[];
  /** What the offers held that no task uses: goes back to the allocator (with the accept's filter). */
  unused: Resources;
  agentId?: string;
}

/**
 * Decides what an ACCEPT does. Pure. `offers` are the looked-up offer ids in call order
 * (undefined where the id is unknown, rescinded or timed out). Mesos's rules: every offer must
 * be valid, belong to the caller and sit on one agent, otherwise every task is dropped with
 * REASON_INVALID_OFFERS; then each task must be well formed and fit in what is left.
 */
export function planAccept(input: {
  frameworkId: string;
  partitionAware: boolean;
  offerIds: string[];
  offers: (OutstandingOffer | undefined)[];
  tasks: TaskInfo__Output[];
  isTaskIdInUse: (taskId: string) => boolean;
}): AcceptPlan {
  const lostState: TaskStateName = input.partitionAware ? 'TASK_DROPPED' : 'TASK_LOST';
  const dropAll = (message: string): AcceptPlan => ({
    launch: [],
    rejected: input.tasks.map((task) => ({ task, state: lostState, reason: 'REASON_INVALID_OFFERS', message })),
    unused: input.offers.reduce<Resources>((sum, o) => (o && o.frameworkId === input.frameworkId ? res.add(sum, o.resources) : sum), res.EMPTY),
  });

  if (input.offerIds.length === 0) return dropAll('No offers given');
  if (new Set(input.offerIds).size !== input.offerIds.length) return dropAll('Offer ids must be unique in one accept');
  for (let i = 0; i < input.offerIds.length; i++) {
    const o = input.offers[i];
    if (!o) return dropAll(`Offer ${input.offerIds[i]} is no longer valid`);
    if (o.frameworkId !== input.frameworkId) return dropAll(`Offer ${o.id} is not for this framework`);
  }
  const agentId = input.offers[0]!.agentId;
  if (input.offers.some((o) => o!.agentId !== agentId)) return dropAll('Aggregated offers must belong to the same agent');

  let available = input.offers.reduce<Resources>((sum, o) => res.add(sum, o!.resources), res.EMPTY);
  const plan: AcceptPlan = { launch: [], rejected: [], unused: res.EMPTY, agentId };
  const seen = new Set<string>();
  const reject = (task: TaskInfo__Output, message: string) =>
    plan.rejected.push({ task, state: 'TASK_ERROR', reason: 'REASON_TASK_INVALID', message });

  for (const task of input.tasks) {
    const taskId = task.taskId?.value ?? '';
    if (!taskId) { reject(task, 'Task has no task_id'); continue; }
    if (seen.has(taskId) || input.isTaskIdInUse(taskId)) { reject(task, `Task '${taskId}' has a duplicate ID`); continue; }
    seen.add(taskId);
    if (task.agentId?.value && task.agentId.value !== agentId) {
      reject(task, `Task uses agent ${task.agentId.value} but the offer is for agent ${agentId}`);
      continue;
    }
    if (!task.command && !task.container) { reject(task, 'Task has neither a command nor a container'); continue; }
    let wanted: Resources;
    try {
      wanted = res.fromProto(task.resources);
    } catch (err) {
      reject(task, `Task resources are invalid: ${(err as Error).message}`);
      continue;
    }
    if (res.isEmpty(wanted)) { reject(task, 'Task uses no resources'); continue; }
    if (!res.contains(available, wanted)) {
      reject(task, `Task uses more resources ${res.formatResources(wanted)} than available ${res.formatResources(available)}`);
      continue;
    }
    available = res.subtract(available, wanted);
    plan.launch.push({ task, resources: wanted });
  }
  plan.unused = available;
  return plan;
}
