import { roleRows } from './roles';

describe('roleRows', () => {
  it("orders roles as DRF offers to them (lowest weighted share first) and says what each holds and is guaranteed", () => {
    const rows = roleRows([
      { name: 'web', weight: 2, share: 0.5, frameworks: ['f1', 'f2'], resources: { cpus: 2, mem: 512.5, disk: 0, ports: '[31000-31001]' }, quota: { guarantee: { cpus: 1 } } },
      { name: 'batch', weight: 1, share: 0.3, frameworks: ['f3'], resources: { cpus: 1 } },
      { name: '*', weight: 1, share: 0, frameworks: [], resources: {} },
    ]);
    expect(rows.map((r) => [r.name, r.weightedShare])).toEqual([['*', 0], ['web', 0.25], ['batch', 0.3]]);
    expect(rows[1]).toMatchObject({ frameworks: 2, allocated: 'cpus 2, mem 512.50', quota: 'cpus 1' });
    expect(rows[0]).toMatchObject({ allocated: '—', quota: '—' });
  });
});
