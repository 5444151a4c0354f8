import * as res from '@strata/lib/resources';
import { parseResources as r } from '@strata/lib/resources';
import type { Resource__Output } from '@strata/proto';
import { planReservations, type ReservationOp } from './reservations';
import type { OutstandingOffer } from './offer-book';

const offer = (resources: string, role = 'web', reservation?: string): OutstandingOffer => ({ id: 'o1', frameworkId: 'f', agentId: 's1', role, resources: r(resources), reservation, createdAt: 0 });
const dyn = (text: string, role = 'web', type = 'DYNAMIC') => res.toProto(r(text), role).map((x) => ({ ...x, reservations: [{ type, role, principal: '' }] })) as unknown as Resource__Output[];
const op = (type: ReservationOp['type'], text: string, role = 'web', rtype = 'DYNAMIC'): ReservationOp => ({ type, resources: dyn(text, role, rtype) });
const none = () => res.EMPTY;

describe('planReservations', () => {
  it('reserves from an unreserved offer in the framework role, up to what the offer holds', () => {
    const p = planReservations({ offers: [offer('cpus:2;mem:1024')], ops: [op('RESERVE', 'cpus:1;mem:512'), op('RESERVE', 'cpus:1;mem:512'), op('RESERVE', 'cpus:1')], dynamicReserved: none });
    expect(p.changes).toEqual([
      { type: 'RESERVE', role: 'web', resources: r('cpus:1;mem:512') },
      { type: 'RESERVE', role: 'web', resources: r('cpus:1;mem:512') },
    ]);
    expect(p.errors).toEqual([expect.stringContaining('more than the offers hold unreserved')]);
  });

  it("drops reservations for another role, for '*', of STATIC type, of ranges, or from a reserved offer", () => {
    const cases: [OutstandingOffer, ReservationOp, string][] = [
      [offer('cpus:2'), op('RESERVE', 'cpus:1', 'db'), "DYNAMIC reservation for role 'web'"],
      [offer('cpus:2', '*'), op('RESERVE', 'cpus:1', '*'), "role '*'"],
      [offer('cpus:2'), op('RESERVE', 'cpus:1', 'web', 'STATIC'), 'DYNAMIC reservation'],
      [offer('cpus:2;ports:[1-5]'), op('RESERVE', 'ports:[1-2]'), 'only scalar'],
      [offer('cpus:2', 'web', 'web'), op('RESERVE', 'cpus:1'), 'takes unreserved offers'],
    ];
    for (const [o, x, message] of cases) {
      const p = planReservations({ offers: [o], ops: [x], dynamicReserved: none });
      expect(p.changes).toEqual([]);
      expect(p.errors).toEqual([expect.stringContaining(message)]);
    }
  });

  it('unreserves only what is dynamically reserved (not the static part) and in a reserved offer of that role', () => {
    const reservedOffer = offer('cpus:3;mem:300', 'web', 'web');
    const dynamicReserved = () => r('cpus:2;mem:200'); // the third cpu is the agent's static reservation
    const ok = planReservations({ offers: [reservedOffer], ops: [op('UNRESERVE', 'cpus:1;mem:100'), op('UNRESERVE', 'cpus:1;mem:100')], dynamicReserved });
    expect(ok.changes.map((c) => c.type)).toEqual(['UNRESERVE', 'UNRESERVE']);
    const tooMuch = planReservations({ offers: [reservedOffer], ops: [op('UNRESERVE', 'cpus:3')], dynamicReserved });
    expect(tooMuch.errors).toEqual([expect.stringContaining('more than is dynamically reserved')]);
    const unreservedOffer = planReservations({ offers: [offer('cpus:3')], ops: [op('UNRESERVE', 'cpus:1')], dynamicReserved });
    expect(unreservedOffer.errors).toEqual([expect.stringContaining("takes offers reserved for role 'web'")]);
  });
});
