import { StrataError, res, roleProblem, type Resources } from '@strata/lib';
import type { Resource__Output } from '@strata/proto';

/**
 * The body of Mesos's `/master/reserve` and `/master/unreserve`: `slaveId` (or `agentId`) and
 * `resources`, a JSON array of Resource each with a DYNAMIC reservation for one role; as form
 * fields (what Mesos takes, `resources` JSON-encoded) or as a JSON object. Errors are 400s.
 */
export function parseReservationRequest(body: unknown): { agentId: string; role: string; resources: Resources; principal?: string } {
  const bad = (message: string) => new StrataError('INVALID_RESERVATION', message, { status: 400 });
  const b = (body ?? {}) as { slaveId?: unknown; agentId?: unknown; resources?: unknown };
  const agentId = typeof b.slaveId === 'string' ? b.slaveId : typeof b.agentId === 'string' ? b.agentId : '';
  if (!agentId) throw bad("Missing 'slaveId'");
  let list = b.resources;
  if (typeof list === 'string') {
    try {
      list = JSON.parse(list);
    } catch (err) {
      throw bad(`'resources' is not JSON: ${(err as Error).message}`);
    }
  }
  if (!Array.isArray(list) || !list.length) throw bad("'resources' must be a non-empty JSON array of Resource");
  const roles = new Set<string>();
  let principal: string | undefined;
  for (const r of list as Partial<Resource__Output>[]) {
    const last = r?.reservations?.[r.reservations.length - 1];
    if (!last || last.type !== 'DYNAMIC' || typeof last.role !== 'string' || !last.role) throw bad(`every resource needs a DYNAMIC reservation with a role ('${r?.name ?? '?'}' has none)`);
    roles.add(last.role);
    // The reserver's principal, which Mesos's unreserve_resources ACL is about.
    if (typeof last.principal === 'string' && last.principal) principal = last.principal;
  }
  if (roles.size !== 1) throw bad(`the resources name ${roles.size} roles; reserve for one role at a time`);
  const why = roleProblem([...roles][0]!);
  if (why) throw bad(`Invalid reservation: ${why}`);
  let resources: Resources;
  try {
    resources = res.fromProto(list as Resource__Output[]);
  } catch (err) {
    throw bad(`'resources' are invalid: ${(err as Error).message}`);
  }
  return { agentId, role: [...roles][0]!, resources, ...(principal ? { principal } : {}) };
}
