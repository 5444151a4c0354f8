import { parseReservationRequest } from './reservations';

const cpus = (reservation: Record<string, unknown>) => [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: [{ type: 'DYNAMIC', ...reservation }] }];

describe("parseReservationRequest (Mesos's /reserve and /unreserve bodies)", () => {
  it('takes slaveId and a JSON array (or its JSON text, as a form field), with the reserver principal', () => {
    const r = parseReservationRequest({ slaveId: 'S1', resources: JSON.stringify(cpus({ role: 'web', principal: 'ops' })) });
    expect([r.agentId, r.role, r.principal]).toEqual(['S1', 'web', 'ops']);
    expect(parseReservationRequest({ agentId: 'S1', resources: cpus({ role: 'web' }) }).principal).toBeUndefined();
  });

  // Found by the fuzzer: a role that is not a string reached the role check and threw a TypeError (a 500).
  it.each([[[]], [{ a: 1 }], [7], [null], ['']])('refuses a reservation whose role is %j with a 400', (role) => {
    expect(() => parseReservationRequest({ slaveId: 'S1', resources: cpus({ role }) })).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/DYNAMIC reservation with a role/) }));
  });

  it('refuses bodies that are not reservations, each with a 400', () => {
    for (const body of [undefined, {}, { slaveId: 'S1' }, { slaveId: 'S1', resources: '[' }, { slaveId: 'S1', resources: [] }, { slaveId: 'S1', resources: [...cpus({ role: 'a' }), ...cpus({ role: 'b' })] }]) {
      expect(() => parseReservationRequest(body)).toThrow(expect.objectContaining({ status: 400 }));
    }
  });
});
