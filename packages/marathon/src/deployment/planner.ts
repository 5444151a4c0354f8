import { needsRestart, type AppDefinition } from '../model/app-definition';
import type { ActionName, Deployment } from './deployment';
import { orderByDependencies } from './dependency-order';

/** One app's change in a deployment: created (no before), deleted (no after), or updated. */
export interface AppChange {
  before?: AppDefinition;
  after?: AppDefinition;
  /** Forces a restart (a rollback to a version that differs in more than scale). */
  restart?: boolean;
}

export type PlanResult = { ok: true; deployment: Deployment } | { ok: false; cycle: string[] };

/**
 * Marathon's deployment plan, pure: stops first, then starts, then one step per dependency
 * class (an app's own dependencies and those of the groups it sits in). `appIds` are every app
 * that exists after the change (a dependency must name one of them); a cycle refuses the plan.
 */
export function planDeployment(input: { id: string; version: string; changes: readonly AppChange[]; appIds: readonly string[]; groupDependencies: Map<string, string[]> }): PlanResult {
  const { changes } = input;
  const ids = changes.map((c) => (c.after ?? c.before)!.id);
  const stops = changes.filter((c) => !c.after).map((c) => c.before!.id);
  const targets = changes.filter((c) => c.after).map((c) => c.after!);
  const order = orderByDependencies(targets.map((a) => ({ id: a.id, dependencies: [...a.dependencies, ...inheritedDependencies(input.groupDependencies, a.id)] })), input.appIds);
  if (!order.ok) return { ok: false, cycle: order.cycle };
  const deployment: Deployment = { id: input.id, version: input.version, affectedApps: ids, steps: [], currentStep: 1, totalSteps: 0, original: {}, appStep: {} };
  const step = (actions: { action: ActionName; app: string }[]) => deployment.steps.push({ actions });
  if (stops.length) {
    step(stops.map((app) => ({ action: 'StopApplication' as const, app })));
    for (const id of stops) deployment.appStep[id] = deployment.steps.length;
  }
  const created = changes.filter((c) => c.after && !c.before).map((c) => c.after!.id);
  if (created.length) step(created.map((app) => ({ action: 'StartApplication' as const, app })));
  for (const cls of order.classes) {
    step(
      cls.map((id) => {
        const c = changes.find((x) => x.after?.id === id)!;
        const restart = c.restart ?? (c.before ? needsRestart(c.before, c.after!) : false);
        return { action: (restart ? 'RestartApplication' : 'ScaleApplication') as ActionName, app: id };
      }),
    );
    for (const id of cls) deployment.appStep[id] = deployment.steps.length;
  }
  deployment.totalSteps = deployment.steps.length;
  deployment.currentStep = Math.min(...Object.values(deployment.appStep), deployment.totalSteps) || 1;
  for (const c of changes) deployment.original[(c.after ?? c.before)!.id] = c.before ?? null;
  return { ok: true, deployment };
}

/** Dependencies an app inherits from the groups (id -> dependencies) it sits in. */
export function inheritedDependencies(groups: Map<string, string[]>, appId: string): string[] {
  const out: string[] = [];
  for (const [id, deps] of groups) if (id === '/' || appId.startsWith(`${id}/`)) out.push(...deps);
  return out;
}

/** A deployment as /v2/deployments and the events show its plan. */
export function planJson(d: Deployment) {
  return { id: d.id, version: d.version, steps: d.steps, affectedApps: d.affectedApps };
}
