import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';
import type { Resource__Output } from '@strata/proto';
import type { OutstandingOffer } from './offer-book';

export interface ReservationOp {
  type: 'RESERVE' | 'UNRESERVE';
  resources: Resource__Output[];
}

/**
 * What makes `resources` unfit for a dynamic reservation for `role`, if anything: the `*` role
 * has no reservations, and only scalar resources are reserved dynamically here.
 */
export function reservationProblem(role: string, resources: Resources): string | undefined {
  if (!role || role === '*') return "resources cannot be reserved for role '*'";
  if (Object.keys(resources.ranges).length || res.isEmpty(resources)) return 'only scalar resources (cpus, mem, disk, gpus) can be reserved dynamically';
  return undefined;
}

export interface ReservationChange {
  type: 'RESERVE' | 'UNRESERVE';
  role: string;
  resources: Resources;
}

/**
 * The RESERVE and UNRESERVE operations of an ACCEPT (Mesos's dynamic reservations). Pure: it
 * says what changes and why an operation is dropped. The offers are already known valid, the
 * caller's own and on one agent. Rules, as Mesos's: every resource names a DYNAMIC reservation
 * for the offers' role (not `*`); RESERVE takes unreserved offers and no more than they hold;
 * UNRESERVE takes offers reserved for that role and no more than the agent holds dynamically
 * reserved for it (a STATIC reservation belongs to the agent and cannot be unreserved). Only
 * scalar resources (cpus, mem, disk, gpus) are reserved dynamically here. Reserving does not
 * change quantities, so tasks launched in the same ACCEPT fit as before; the reservation
 * decides where the resources go when they come back.
 */
export function planReservations(input: {
  offers: OutstandingOffer[];
  ops: ReservationOp[];
  /** What the agent holds dynamically reserved for a role now. */
  dynamicReserved: (role: string) => Resources;
}): { changes: ReservationChange[]; errors: string[] } {
  const changes: ReservationChange[] = [];
  const errors: string[] = [];
  if (!input.ops.length) return { changes, errors };
  const role = input.offers[0]!.role;
  const available = input.offers.reduce<Resources>((sum, o) => res.add(sum, o.resources), res.EMPTY);
  const reservedOffers = input.offers.every((o) => o.reservation === role);
  const unreservedOffers = input.offers.every((o) => !o.reservation);
  let reserving = res.EMPTY;
  let unreserving = res.EMPTY;
  for (const op of input.ops) {
    const drop = (why: string) => errors.push(`Dropping ${op.type} operation: ${why}`);
    if (input.offers.some((o) => o.role !== role)) {
      drop('the offers are allocated to different roles');
      continue;
    }
    const bad = op.resources.find((r) => {
      const last = r.reservations[r.reservations.length - 1];
      return !last || last.type !== 'DYNAMIC' || last.role !== role;
    });
    if (!op.resources.length || bad) {
      drop(`every resource must carry a DYNAMIC reservation for role '${role}' (the offer's role)${bad ? `; '${bad.name}' does not` : ''}`);
      continue;
    }
    let wanted: Resources;
    try {
      wanted = res.fromProto(op.resources);
    } catch (err) {
      drop(`invalid resources: ${(err as Error).message}`);
      continue;
    }
    const problem = reservationProblem(role, wanted);
    if (problem) {
      drop(problem);
      continue;
    }
    if (op.type === 'RESERVE') {
      if (!unreservedOffers) {
        drop('RESERVE takes unreserved offers');
        continue;
      }
      if (!res.contains(available, res.add(reserving, wanted))) {
        drop(`${res.formatResources(wanted)} is more than the offers hold unreserved (${res.formatResources(res.subtract(available, reserving))})`);
        continue;
      }
      reserving = res.add(reserving, wanted);
    } else {
      if (!reservedOffers) {
        drop(`UNRESERVE takes offers reserved for role '${role}'`);
        continue;
      }
      const dynamic = res.subtract(input.dynamicReserved(role), unreserving);
      if (!res.contains(dynamic, wanted) || !res.contains(available, res.add(unreserving, wanted))) {
        drop(`${res.formatResources(wanted)} is more than is dynamically reserved for '${role}' in these offers (${res.formatResources(res.minScalars(dynamic, res.subtract(available, unreserving)))})`);
        continue;
      }
      unreserving = res.add(unreserving, wanted);
    }
    changes.push({ type: op.type, role, resources: wanted });
  }
  return { changes, errors };
}
