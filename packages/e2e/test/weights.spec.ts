import { waitFor } from '@strata/lib/testing';
import { offerFilters, taskInfo } from '@strata/sdk';
import { LocalCluster, TestFramework } from '../src';

jest.setTimeout(120_000);

describe('hierarchical allocator through the master', () => {
  it('two frameworks in roles weighted 1:3 on a saturated cluster converge to a 1:3 split', async () => {
    // Frameworks first, agents after: each agent is allocated as it arrives, so the split is
    // the allocator's doing, not a race between the two frameworks' subscriptions.
    const cluster = await LocalCluster.start({ agents: 0, masterArgs: ['--allocator', 'hierarchical'] });
    const frameworks: TestFramework[] = [];
    try {
      const put = await fetch(`http://${cluster.masterAddress}/weights`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ role: 'batch', weight: 1 }, { role: 'web', weight: 3 }]) });
      expect(put.status).toBe(200);
      const bad = await fetch(`http://${cluster.masterAddress}/weights`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ role: 'x', weight: -1 }]) });
      expect(bad.status).toBe(400);
      const running = new Map<string, Set<string>>();
      let n = 0;
      for (const role of ['batch', 'web']) {
        const f = await TestFramework.subscribe(cluster.masterAddress, { name: role, roles: [role] });
        frameworks.push(f);
        running.set(role, new Set());
        f.onOffers = (offers) => {
          for (const o of offers) {
            const cpus = o.resources.find((r) => r.name === 'cpus')?.scalar?.value ?? 0;
            if (cpus >= 1) f.driver.launch([o.id!.value], [taskInfo(o, { id: `${role}-${n++}`, command: 'sleep 300', cpus: 1, mem: 64 })], { refuseSeconds: 60 });
            else f.driver.decline([o.id!.value], { refuseSeconds: 60 }); // leftover memory: no task fits
          }
        };
        f.driver.on('update', (s) => {
          const set = running.get(role)!;
          if (s.state === 'TASK_RUNNING') set.add(s.taskId!.value);
          else set.delete(s.taskId!.value);
        });
      }
      for (let i = 0; i < 8; i++) await cluster.startAgent(i, 'cpus:1;mem:256;ports:[31000-31010]', { masterArgs: ['--allocator', 'hierarchical'] });
      await waitFor(() => running.get('batch')!.size + running.get('web')!.size === 8, { what: 'the cluster saturated' });
      expect([running.get('batch')!.size, running.get('web')!.size]).toEqual([2, 6]);
      // Quota: set, listed in Mesos's shape, refused when malformed, removed.
      const quota = { role: 'web', guarantee: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 4 } }] };
      expect((await fetch(`http://${cluster.masterAddress}/quota`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(quota) })).status).toBe(200);
      const listed = (await (await fetch(`http://${cluster.masterAddress}/quota`)).json()) as { infos: { role: string; guarantee: { name: string; scalar: { value: number } }[] }[] };
      expect(listed.infos).toEqual([{ role: 'web', guarantee: [expect.objectContaining({ name: 'cpus', scalar: { value: 4 } })] }]);
      expect((await fetch(`http://${cluster.masterAddress}/quota`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'web', guarantee: [{ name: 'cpus', type: 'SCALAR', scalar: { value: -1 } }] }) })).status).toBe(400);
      expect((await fetch(`http://${cluster.masterAddress}/quota/web`, { method: 'DELETE' })).status).toBe(200);
      expect(((await (await fetch(`http://${cluster.masterAddress}/quota`)).json()) as { infos: unknown[] }).infos).toEqual([]);
      const roles = (await (await fetch(`http://${cluster.masterAddress}/roles`)).json()) as { roles: { name: string; weight: number }[] };
      expect(roles.roles.map((r) => [r.name, r.weight]).sort()).toEqual([['batch', 1], ['web', 3]]);
    } finally {
      for (const f of frameworks) f.close();
      await cluster.stop();
    }
  });

  it("static reservations (cpus(web):2 on the agent) are offered only to their role; roles show in /master/state and /metrics", async () => {
    const cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:1;mem:256;cpus(web):2;mem(web):512;ports:[31000-31010]', masterArgs: ['--allocator', 'hierarchical'] });
    const frameworks: TestFramework[] = [];
    try {
      const running = new Map<string, Set<string>>();
      const offeredReservations = new Map<string, string[]>();
      let n = 0;
      const subscribe = async (role: string) => {
        const f = await TestFramework.subscribe(cluster.masterAddress, { name: role, roles: [role] });
        frameworks.push(f);
        running.set(role, new Set());
        offeredReservations.set(role, []);
        f.onOffers = (offers) => {
          for (const o of offers) {
            for (const r of o.resources) for (const rv of r.reservations) offeredReservations.get(role)!.push(`${r.name}:${rv.type}:${rv.role}`);
            const cpus = Math.floor(o.resources.find((r) => r.name === 'cpus')?.scalar?.value ?? 0);
            const tasks = Array.from({ length: cpus }, () => taskInfo(o, { id: `${role}-${n++}`, command: 'sleep 300', cpus: 1, mem: 64 }));
            if (tasks.length) f.driver.launch([o.id!.value], tasks, { refuseSeconds: 0.2 });
            else f.driver.decline([o.id!.value], { refuseSeconds: 0.2 });
          }
        };
        f.driver.on('update', (s) => {
          const set = running.get(role)!;
          if (s.state === 'TASK_RUNNING') set.add(s.taskId!.value);
          else set.delete(s.taskId!.value);
        });
        return f;
      };
      // batch comes first and wants everything: it gets the unreserved cpu and nothing of web's.
      await subscribe('batch');
      await waitFor(() => running.get('batch')!.size === 1, { what: 'batch running its one unreserved cpu' });
      const state = async () => (await (await fetch(`http://${cluster.masterAddress}/master/state`)).json()) as {
        slaves: { reserved_resources: Record<string, { cpus: number; mem: number }>; unreserved_resources: { cpus: number } }[];
        roles: { name: string; frameworks: string[]; share: number; resources: { cpus: number } }[];
      };
      const s1 = await state();
      expect(s1.slaves[0]!.reserved_resources).toEqual({ web: expect.objectContaining({ cpus: 2, mem: 512 }) });
      expect(s1.slaves[0]!.unreserved_resources.cpus).toBe(1);
      // The reserved cpus are idle and still not offered to batch.
      expect(offeredReservations.get('batch')).toEqual([]);
      const web = await subscribe('web');
      await waitFor(() => running.get('web')!.size === 2, { what: 'web running on its two reserved cpus' });
      expect(running.get('batch')!.size).toBe(1);
      expect(offeredReservations.get('web')).toEqual(expect.arrayContaining(['cpus:STATIC:web', 'mem:STATIC:web']));
      const s2 = await state();
      const webRole = s2.roles.find((r) => r.name === 'web')!;
      expect(webRole.frameworks).toEqual([web.driver.frameworkId]);
      expect(webRole.resources.cpus).toBeGreaterThanOrEqual(2);
      expect(webRole.share).toBeGreaterThan(0);
      const metrics = await (await fetch(`http://${cluster.masterAddress}/metrics`)).text();
      // web holds its reservation and may hold leftovers of the unreserved slice too (disk): its share is in (0, 1].
      const webShare = Number(/strata_master_role_share\{[^}]*role="web"[^}]*\} ([\d.e-]+)/.exec(metrics)?.[1]);
      expect(webShare).toBeGreaterThan(0);
      expect(webShare).toBeLessThanOrEqual(1);
      expect(metrics).toMatch(/strata_master_role_allocated\{[^}]*role="batch"[^}]*resource="cpus"[^}]*\} 1/);
    } finally {
      for (const f of frameworks) f.close();
      await cluster.stop();
    }
  });

  it("offer_filters: a framework is not offered what holds none of its shapes (leftover memory); bad filters are refused", async () => {
    const cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:1;mem:1024' });
    try {
      const passes = async () => Number(/^strata_master_allocation_seconds_count(?:\{[^}]*\})? (\d+)/m.exec(await (await fetch(`http://${cluster.masterAddress}/metrics`)).text())?.[1]);
      const picky = await TestFramework.subscribe(cluster.masterAddress, { name: 'picky', offerFilters: offerFilters({ '*': [{ cpus: 1, mem: 128 }] }) });
      const offer = await picky.nextOffer();
      // One task takes the cpu; the unused memory comes back with no decline filter at all.
      picky.driver.launch([offer.id!.value], [taskInfo(offer, { id: 'p1', command: 'sleep 300', cpus: 1, mem: 128 })], { refuseSeconds: 0 });
      await waitFor(() => picky.states('p1').includes('TASK_RUNNING'), { what: 'p1 running' });
      // Two passes after the task started: the leftover was looked at, and not offered.
      const after = await passes();
      await waitFor(async () => (await passes()) >= after + 2, { what: 'two more allocation passes' });
      expect(picky.offers).toHaveLength(1);
      const state = (await (await fetch(`http://${cluster.masterAddress}/master/state`)).json()) as { frameworks: { offer_filters?: unknown; offers: unknown[] }[] };
      expect(state.frameworks[0]!.offer_filters).toEqual({ '*': { min_allocatable_resources: { quantities: [{ quantities: { cpus: { value: 1 }, mem: { value: 128 } } }] } } });
      // A framework with no filters is offered that memory.
      const any = await TestFramework.subscribe(cluster.masterAddress, { name: 'any' });
      const leftover = await any.nextOffer();
      expect(leftover.resources.find((r) => r.name === 'mem')?.scalar?.value).toBe(1024 - 128);
      expect(leftover.resources.find((r) => r.name === 'cpus')?.scalar?.value ?? 0).toBe(0);
      any.close();
      picky.close();
      // Filters for a role it does not subscribe with, or negative quantities: refused.
      await expect(TestFramework.subscribe(cluster.masterAddress, { name: 'bad', offerFilters: offerFilters({ web: [{ cpus: 1 }] }) })).rejects.toThrow(/offer_filters names role 'web'/);
      await expect(TestFramework.subscribe(cluster.masterAddress, { name: 'bad', offerFilters: offerFilters({ '*': [{ cpus: -1 }] }) })).rejects.toThrow(/must be a finite number >= 0/);
    } finally {
      await cluster.stop();
    }
  });

  it('UPDATE_FRAMEWORK changes roles without resubscribing: a new role brings its reservation, a role left has its offers rescinded', async () => {
    const cluster = await LocalCluster.start({ agents: 1, resources: 'cpus:1;mem:256;cpus(web):1;mem(web):256' });
    try {
      const info = { name: 'growing', user: 'root', roles: ['*'] };
      const f = await TestFramework.subscribe(cluster.masterAddress, info);
      const reserved = (o: { resources: { reservations: { role: string }[] }[] }) => o.resources.some((r) => r.reservations.some((x) => x.role === 'web'));
      const first = await f.nextOffer();
      expect(reserved(first)).toBe(false);
      // Joining role web: its reserved cpu is offered, in role web, on the same stream.
      f.driver.updateFramework({ ...info, roles: ['*', 'web'] });
      const web = await f.nextOffer(reserved);
      expect(web.allocationInfo?.role).toBe('web');
      const state = (await (await fetch(`http://${cluster.masterAddress}/master/state`)).json()) as { frameworks: { id: string; roles: string[] }[] };
      expect(state.frameworks.find((x) => x.id === f.driver.frameworkId)!.roles).toEqual(['*', 'web']);
      // Leaving it again: the outstanding web offer is taken back.
      f.driver.updateFramework(info);
      await waitFor(() => f.rescinded.includes(web.id!.value), { what: 'the web offer rescinded' });
      expect(f.rescinded).not.toContain(first.id!.value);
      // What cannot change is refused, and the framework stays as it was.
      f.driver.updateFramework({ ...info, user: 'someone-else' });
      await waitFor(() => f.errors.find((e) => e.includes('user cannot be changed')), { what: 'the refusal' });
      const after = (await (await fetch(`http://${cluster.masterAddress}/master/state`)).json()) as { frameworks: { user: string; roles: string[] }[] };
      expect(after.frameworks[0]).toMatchObject({ user: 'root', roles: ['*'] });
      f.close();
    } finally {
      await cluster.stop();
    }
  });

  it('--max-offers-per-framework caps the offers a framework holds; the rest come as it answers', async () => {
    const cluster = await LocalCluster.start({ agents: 5, resources: 'cpus:1;mem:256', masterArgs: ['--max-offers-per-framework', '2'] });
    try {
      const f = await TestFramework.subscribe(cluster.masterAddress, { name: 'capped' });
      await waitFor(() => f.offers.length === 2, { what: 'two offers' });
      // Held offers: nothing more comes, whatever passes run (a new agent triggers one).
      await cluster.startAgent(5, 'cpus:1;mem:256');
      const metrics = async () => Number(/strata_master_outstanding_offers\{[^}]*\} (\d+)/.exec(await (await fetch(`http://${cluster.masterAddress}/metrics`)).text())?.[1]);
      await cluster.waitForActiveAgents(6);
      expect(await metrics()).toBe(2);
      expect(f.offers).toHaveLength(2);
      // Declining one (for a long time) frees a place: exactly one new offer, for another agent.
      const declined = f.offers[0]!.offer;
      f.driver.decline([declined.id!.value], { refuseSeconds: 300 });
      await waitFor(() => f.offers.length === 3, { what: 'a third offer' });
      expect(f.offers[2]!.offer.agentId!.value).not.toBe(declined.agentId!.value);
      expect(await metrics()).toBe(2);
      f.close();
    } finally {
      await cluster.stop();
    }
  });
});
