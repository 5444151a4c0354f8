import { StrataError } from '@strata/lib/errors';
import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';
import type { FrameworkInfo__Output } from '@strata/proto';

/**
 * A framework's `offer_filters` (Mesos 1.9) as the allocator's per-role minimums. A role named
 * there must be one the framework subscribes with, and quantities must be finite and not
 * negative; otherwise the subscription is refused (400), as Mesos refuses it.
 */
export function offerShapesOf(info: FrameworkInfo__Output, roles: string[]): Record<string, Resources[]> | undefined {
  const filters = info.offerFilters ?? {};
  const out: Record<string, Resources[]> = {};
  for (const [role, f] of Object.entries(filters)) {
    if (!roles.includes(role)) {
      throw new StrataError('INVALID_FRAMEWORK', `framework_info.offer_filters names role '${role}', which the framework does not subscribe with`, { status: 400, context: { role } });
    }
    const alternatives = (f.minAllocatableResources?.quantities ?? []).map((q) => {
      const scalars: Record<string, number> = {};
      for (const [name, v] of Object.entries(q.quantities ?? {})) {
        const value = v?.value ?? 0;
        if (!Number.isFinite(value) || value < 0) {
          throw new StrataError('INVALID_FRAMEWORK', `framework_info.offer_filters['${role}']: quantity of '${name}' must be a finite number >= 0, got ${value}`, { status: 400, context: { role } });
        }
        scalars[name] = value;
      }
      return res.resources(scalars);
    });
    if (alternatives.length) out[role] = alternatives;
  }
  return Object.keys(out).length ? out : undefined;
}
