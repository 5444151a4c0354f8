import type { AppDefinition } from '../model/app-definition';
import { isHealthy, isHealthyAndReady, type Instance } from './instance';

export function healthyCount(app: AppDefinition, list: readonly Instance[]): number {
  return list.filter((i) => isHealthy(i, app.healthChecks.length)).length;
}

/** New instances a deployment may count: healthy and, with a readiness check, ready. */
export function readyCount(app: AppDefinition, list: readonly Instance[]): number {
  return list.filter((i) => isHealthyAndReady(i, app.healthChecks.length, app.readinessChecks.length)).length;
}
