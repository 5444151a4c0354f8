import { StrataError, roleProblem, res, type Resources } from '@strata/lib';

/** Largest weight a role may be given. Mesos sets none; 1e308 once made every share zero. */
export const MAX_WEIGHT = 1_000_000;

const bad = (message: string) => new StrataError('INVALID_REQUEST', message, { status: 400 });

/** A role named in an operator request, checked by Mesos's rules (400 in Mesos's words otherwise). */
export function checkedRole(role: unknown, what: string): string {
  if (typeof role !== 'string') throw bad(`${what}: 'role' must be a string`);
  const why = roleProblem(role);
  if (why) throw bad(`${what}: ${why}`);
  return role;
}

/** The body of `PUT /weights`: `[{"role": "web", "weight": 3}]`, every entry valid or none applied. */
export function parseWeightsRequest(body: unknown): { role: string; weight: number }[] {
  if (!Array.isArray(body)) throw bad('Expecting a JSON array of {"role": <name>, "weight": <positive number>}');
  const seen = new Set<string>();
  return body.map((w: unknown) => {
    const e = (w ?? {}) as { role?: unknown; weight?: unknown };
    const role = checkedRole(e.role, 'Invalid weight');
    if (role === '*') throw bad("Invalid weight: the default role '*' cannot be given a weight");
    if (typeof e.weight !== 'number' || !Number.isFinite(e.weight) || e.weight <= 0 || e.weight > MAX_WEIGHT) {
      throw bad(`Invalid weight for role '${role}': expected a number above 0 and at most ${MAX_WEIGHT}`);
    }
    if (seen.has(role)) throw bad(`Invalid weight: role '${role}' is given twice`);
    seen.add(role);
    return { role, weight: e.weight };
  });
}

/** The body of `POST /quota`: `{"role": "web", "guarantee": [Resource...]}`. */
export function parseQuotaRequest(body: unknown): { role: string; guarantee: Resources } {
  const b = (body ?? {}) as { role?: unknown; guarantee?: unknown };
  if (typeof b !== 'object' || Array.isArray(b) || !Array.isArray(b.guarantee)) throw bad('Expecting {"role": <name>, "guarantee": [<Resource>]}');
  const role = checkedRole(b.role, 'Invalid QuotaRequest');
  if (role === '*') throw bad("Invalid QuotaRequest: quota cannot be set for the default role '*'");
  if (role.includes('/')) throw bad(`Invalid QuotaRequest: only top-level roles can have quota ('${role}' is nested)`);
  let guarantee: Resources;
  try {
    guarantee = res.fromProto(b.guarantee as never);
  } catch (err) {
    throw bad(`Invalid QuotaRequest: ${(err as Error).message}`);
  }
  return { role, guarantee };
}
