import { waitFor } from '@strata/lib/testing';
import type { Offer__Output, Resource } from '@strata/proto';
import { LocalCluster, TestFramework } from '../src';

jest.setTimeout(120_000);

const dynamic = (role: string, cpus: number, mem: number): Resource[] =>
  [
    ['cpus', cpus],
    ['mem', mem],
  ].map(([name, value]) => ({ name: name as string, type: 'SCALAR', scalar: { value: value as number }, reservations: [{ type: 'DYNAMIC', role }] }));

/** An offer's resources by reservation: `web:DYNAMIC:cpus` -> amount; unreserved ones as `*:cpus`. */
const shape = (o: Offer__Output) => {
  const out: Record<string, number> = {};
  for (const r of o.resources) {
    const v = r.reservations[r.reservations.length - 1];
    out[v ? `${v.role}:${v.type}:${r.name}` : `*:${r.name}`] = r.scalar?.value ?? 0;
  }
  return out;
};

type Reserved = { slaves: { reserved_resources: Record<string, { cpus: number; mem: number }>; unreserved_resources: { cpus: number }; reserved_resources_full: Record<string, { reservations: { type: string }[] }[]> }[] };

describe('dynamic reservations', () => {
  it('RESERVE in an ACCEPT keeps resources for the role (offered DYNAMIC, to it only); UNRESERVE gives them back to everyone', async () => {
    const cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:2;mem:512' });
    try {
      const state = async () => (await (await fetch(`http://${cluster.masterAddress}/master/state`)).json()) as Reserved;
      const web = await TestFramework.subscribe(cluster.masterAddress, { name: 'web', roles: ['web'] });
      const first = await web.nextOffer();
      web.driver.call({ type: 'ACCEPT', accept: { offerIds: [first.id!], operations: [{ type: 'RESERVE', reserve: { resources: dynamic('web', 1, 128) } }], filters: { refuseSeconds: 0 } } });
      // The reserved part comes back as its own offer, marked DYNAMIC for web.
      const reserved = await web.nextOffer((o) => shape(o)['web:DYNAMIC:cpus'] === 1);
      expect(shape(reserved)).toEqual({ 'web:DYNAMIC:cpus': 1, 'web:DYNAMIC:mem': 128 });
      const s1 = (await state()).slaves[0]!;
      expect(s1.reserved_resources.web).toMatchObject({ cpus: 1, mem: 128 });
      expect(s1.unreserved_resources.cpus).toBe(1);
      expect(s1.reserved_resources_full.web!.every((r) => r.reservations[0]!.type === 'DYNAMIC')).toBe(true);

      // web steps back: another role is offered only what is unreserved.
      const rest = web.offers.filter((x) => !web.rescinded.includes(x.offer.id!.value) && x.offer.id!.value !== first.id!.value).map((x) => x.offer.id!.value);
      web.driver.suppress();
      web.driver.decline(rest, { refuseSeconds: 0 });
      const batch = await TestFramework.subscribe(cluster.masterAddress, { name: 'batch', roles: ['batch'] });
      const theirs = await batch.nextOffer();
      expect(shape(theirs)).toMatchObject({ '*:cpus': 1, '*:mem': 384 });
      expect(Object.keys(shape(theirs)).filter((k) => !k.startsWith('*:'))).toEqual([]);

      // web comes back for its reservation and unreserves it: it is everyone's again.
      web.driver.revive();
      const again = await web.nextOffer((o) => shape(o)['web:DYNAMIC:cpus'] === 1);
      web.driver.call({ type: 'ACCEPT', accept: { offerIds: [again.id!], operations: [{ type: 'UNRESERVE', unreserve: { resources: dynamic('web', 1, 128) } }], filters: { refuseSeconds: 0 } } });
      await waitFor(async () => !(await state()).slaves[0]!.reserved_resources.web, { what: 'the reservation gone' });
      expect((await state()).slaves[0]!.unreserved_resources.cpus).toBe(2);
      // Reserving for a role that is not the offer's (batch's) is refused with a clear error.
      batch.driver.call({ type: 'ACCEPT', accept: { offerIds: [theirs.id!], operations: [{ type: 'RESERVE', reserve: { resources: dynamic('web', 1, 128) } }], filters: { refuseSeconds: 0 } } });
      await waitFor(() => batch.errors.find((e) => e.includes("DYNAMIC reservation for role 'batch'")), { what: 'a reservation for another role refused' });
      web.close();
      batch.close();
    } finally {
      await cluster.stop();
    }
  });

  it('operator /master/reserve and /master/unreserve (202, 409, 400), kept across a master restart', async () => {
    const cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:2;mem:512' });
    try {
      const agentId = (await cluster.state()).slaves[0]!.id;
      const post = (route: string, body: Record<string, string>) =>
        fetch(`http://${cluster.masterAddress}/master/${route}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
      const reserved = async () => ((await (await fetch(`http://${cluster.masterAddress}/master/state`)).json()) as Reserved).slaves[0]?.reserved_resources ?? {};
      expect((await post('reserve', { slaveId: agentId, resources: JSON.stringify(dynamic('db', 1, 256)) })).status).toBe(202);
      expect(await reserved()).toEqual({ db: expect.objectContaining({ cpus: 1, mem: 256 }) });
      // More than is unreserved: 409, nothing changes.
      const conflict = await post('reserve', { slaveId: agentId, resources: JSON.stringify(dynamic('db', 2, 1)) });
      expect(conflict.status).toBe(409);
      expect(((await conflict.json()) as { message: string }).message).toContain('does not have');
      // Malformed: 400 with a message.
      const bad = await post('reserve', { slaveId: agentId, resources: '[{"name":"cpus"' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { message: string }).message).toContain('not JSON');
      expect((await post('unreserve', { slaveId: agentId, resources: JSON.stringify(dynamic('db', 2, 256)) })).status).toBe(409);
      expect(await reserved()).toEqual({ db: expect.objectContaining({ cpus: 1, mem: 256 }) });

      // The master owns dynamic reservations: they survive its restart and are laid over the agent again.
      await cluster.master.stop();
      await cluster.restartMaster();
      await cluster.waitForActiveAgents(1);
      expect(await reserved()).toEqual({ db: expect.objectContaining({ cpus: 1, mem: 256 }) });
      const db = await TestFramework.subscribe(cluster.masterAddress, { name: 'db', roles: ['db'] });
      await db.nextOffer((o) => shape(o)['db:DYNAMIC:cpus'] === 1);
      db.close();
      expect((await post('unreserve', { slaveId: agentId, resources: JSON.stringify(dynamic('db', 1, 256)) })).status).toBe(202);
      expect(await reserved()).toEqual({});
    } finally {
      await cluster.stop();
    }
  });
});
