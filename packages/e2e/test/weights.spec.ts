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
      for (const role of ['batch', 'web']) {
        const f = await TestFramework.subscribe(cluster.masterAddress, { name: role, roles: [role] });
        frameworks.push(f);
        running.set(role, new Set());
        // Short tasks keep resources churning, so every freed agent is a fresh allocation decision.
        f.onOffers = (offers) => {
          for (const o of offers) f.driver.launch([o.id!.value], [taskInfo(o, { id: `${role}-${n++}`, command: 'sleep 0.5', cpus: 1, mem: 64 })], { refuseSeconds: 0 });
        };
        f.driver.on('update', (s) => {
          const set = running.get(role)!;
          if (s.state === 'TASK_RUNNING') set.add(s.taskId!.value);
          else set.delete(s.taskId!.value);
        });
      }
      await waitFor(() => (running.get('batch')!.size + running.get('web')!.size) >= 6, { what: 'the cluster saturated' });
      // Sample the split over a few seconds of churn (the measurement window is the wait).
      const samples: [number, number][] = [];
      const until = Date.now() + 4_000;
      while (Date.now() < until) {
        samples.push([running.get('batch')!.size, running.get('web')!.size]);
        await new Promise((r) => setTimeout(r, 100));
      }
      const batch = samples.reduce((s, x) => s + x[0], 0) / samples.length;
      const web = samples.reduce((s, x) => s + x[1], 0) / samples.length;
      expect(web / batch).toBeGreaterThan(2);
      expect(web / batch).toBeLessThan(4.5);
      const roles = (await (await fetch(`http://${cluster.masterAddress}/roles`)).json()) as { roles: { name: string; weight: number }[] };
      expect(roles.roles.map((r) => [r.name, r.weight]).sort()).toEqual([['batch', 1], ['web', 3]]);
    } finally {
      for (const f of frameworks) f.close();
      await cluster.stop();
    }
  });
});
