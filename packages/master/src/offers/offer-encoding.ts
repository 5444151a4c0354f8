import * as res from '@strata/lib/resources';
import type { Offer } from '@strata/proto';
import type { AgentEntry } from '../registry';
import type { DynamicReservations } from '../registry/dynamic-reservations';
import type { OutstandingOffer } from './offer-book';

/** Reserved offers say which part is dynamically reserved (what can be unreserved) and which is the agent's static reservation. */
function offerResources(o: OutstandingOffer, dynamic: DynamicReservations) {
  if (!o.reservation) return res.toProto(o.resources, '*', { allocatedTo: o.role });
  const reservedDynamically = res.minScalars(o.resources, dynamic.role(o.agentId, o.reservation));
  const fixed = res.subtract(o.resources, reservedDynamically);
  return [...res.toProtoReserved(reservedDynamically, o.reservation, 'DYNAMIC', o.role), ...res.toProtoReserved(fixed, o.reservation, 'STATIC', o.role)];
}

/** An outstanding offer as the framework receives it. */
export function encodeOffer(o: OutstandingOffer, agent: AgentEntry | undefined, dynamic: DynamicReservations): Offer {
  const host = agent?.hostname ?? '';
  return {
    id: { value: o.id },
    frameworkId: { value: o.frameworkId },
    agentId: { value: o.agentId },
    hostname: host,
    url: { scheme: 'http', address: { hostname: host, ip: agent?.info.address?.ip || host, port: agent?.port ?? 0 }, path: '/agent' },
    resources: offerResources(o, dynamic),
    attributes: agent?.info.attributes ?? [],
    allocationInfo: { role: o.role },
  };
}
