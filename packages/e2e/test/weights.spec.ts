import { waitFor } from '@strata/lib/testing';
import { taskInfo } from '@strata/sdk';
import { LocalCluster, TestFramework } from '../src';

jest.setTimeout(120_000);

describe('hierarchical allocator through the master', () => {
  it('two frameworks in roles weighted 1:3 on a saturated cluster converge to a 1:3 split', async () => {
    const cluster = await LocalCluster.start({ agents: 8, resources: 'cpus:1;mem:256;ports:[31000-31010]', masterArgs: ['--allocator', 'hierarchical'] });
    const frameworks: TestFramework[] = [];
    try {
      const put = await fetch(`http://${cluster.masterAddress}/weights`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ role: 'batch', weight: 1 }, { role: 'web', weight: 3 }]) });
      expect(put.status).toBe(200);
      const bad = await fetch(`http://${cluster.masterAddress}/weights`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ role: 'x', weight: -1 }]) });
      expect(bad.status).toBe(400);
      const running = new Map<string, Set<string>>();
      let n = 0;
      let go = false;
      for (const role of ['batch', 'web']) {
        const f = await TestFramework.subscribe(cluster.masterAddress, { name: role, roles: [role] });
        frameworks.push(f);
        running.set(role, new Set());
        // Until both are here, offers go back at once; outstanding offers count as allocation, so
        // what each framework holds when `go` flips already follows the weights.
        f.onOffers = (offers) => {
          for (const o of offers) {
            if (!go) f.driver.decline([o.id!.value], { refuseSeconds: 0 });
            else f.driver.launch([o.id!.value], [taskInfo(o, { id: `${role}-${n++}`, command: 'sleep 300', cpus: 1, mem: 64 })], { refuseSeconds: 0 });
          }
        };
        f.driver.on('update', (s) => {
          const set = running.get(role)!;
          if (s.state === 'TASK_RUNNING') set.add(s.taskId!.value);
          else set.delete(s.taskId!.value);
        });
      }
      go = true;
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
});
