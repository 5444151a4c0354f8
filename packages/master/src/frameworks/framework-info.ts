import { StrataError } from '@strata/lib/errors';
import type { Resources } from '@strata/lib/resources';
import { roleProblem } from '@strata/lib/validation';
import type { FrameworkInfo__Output } from '@strata/proto';
import { offerShapesOf } from '../allocator/offer-shapes';
import { rolesOf } from './framework-registry';

/** What SUBSCRIBE and UPDATE_FRAMEWORK both require of a FrameworkInfo; its roles and offer shapes. */
export function validFrameworkInfo(info: FrameworkInfo__Output): { roles: string[]; minAllocatable?: Record<string, Resources[]> } {
  if (!info.name) throw new StrataError('INVALID_FRAMEWORK', 'framework_info.name is required', { status: 400 });
  if (!(info.failoverTimeout >= 0) || !Number.isFinite(info.failoverTimeout)) {
    throw new StrataError('INVALID_FRAMEWORK', 'framework_info.failover_timeout must be a non-negative number', { status: 400 });
  }
  const roles = rolesOf(info);
  for (const r of roles) {
    const why = roleProblem(r);
    if (why) throw new StrataError('INVALID_FRAMEWORK', `framework_info.roles: ${why}`, { status: 400 });
  }
  return { roles, minAllocatable: offerShapesOf(info, roles) };
}

/** UPDATE_FRAMEWORK may change roles, filters, name and failover timeout, not who the framework is. */
export function validFrameworkUpdate(current: FrameworkInfo__Output, info: FrameworkInfo__Output | null | undefined, frameworkId: string): FrameworkInfo__Output {
  if (!info) throw new StrataError('INVALID_FRAMEWORK', "Expecting 'update_framework.framework_info' to be present", { status: 400 });
  if (info.id?.value !== frameworkId) throw new StrataError('INVALID_FRAMEWORK', `update_framework.framework_info.id must be '${frameworkId}'`, { status: 400 });
  for (const field of ['user', 'principal', 'checkpoint'] as const) {
    if (info[field] !== current[field]) throw new StrataError('INVALID_FRAMEWORK', `framework_info.${field} cannot be changed by UPDATE_FRAMEWORK`, { status: 400 });
  }
  return info;
}
