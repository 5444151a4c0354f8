import { expandDependency, orderByDependencies } from './dependency-order';

describe('orderByDependencies', () => {
  it('runs c, then b, then a for a -> b -> c', () => {
    const r = orderByDependencies([
      { id: '/a', dependencies: ['/b'] },
      { id: '/b', dependencies: ['/c'] },
      { id: '/c', dependencies: [] },
    ]);
    expect(r).toEqual({ ok: true, classes: [['/c'], ['/b'], ['/a']] });
  });

  it('puts an app after the longest of its dependency paths, and independent apps together', () => {
    const r = orderByDependencies([
      { id: '/db', dependencies: [] },
      { id: '/cache', dependencies: [] },
      { id: '/api', dependencies: ['/db', '/cache'] },
      { id: '/web', dependencies: ['/api', '/db'] },
    ]);
    expect(r).toEqual({ ok: true, classes: [['/cache', '/db'], ['/api'], ['/web']] });
  });

  it('expands a group dependency to every app inside it', () => {
    expect(expandDependency('/prod/db', ['/prod/db/pg', '/prod/db/redis', '/prod/web'])).toEqual(['/prod/db/pg', '/prod/db/redis']);
    const r = orderByDependencies([
      { id: '/prod/db/pg', dependencies: [] },
      { id: '/prod/db/redis', dependencies: [] },
      { id: '/prod/web', dependencies: ['/prod/db'] },
    ]);
    expect(r).toEqual({ ok: true, classes: [['/prod/db/pg', '/prod/db/redis'], ['/prod/web']] });
  });

  it('ignores dependencies outside the deployment (already running)', () => {
    expect(orderByDependencies([{ id: '/web', dependencies: ['/db'] }], ['/web', '/db'])).toEqual({ ok: true, classes: [['/web']] });
  });

  it('reports a cycle', () => {
    const r = orderByDependencies([
      { id: '/a', dependencies: ['/b'] },
      { id: '/b', dependencies: ['/c'] },
      { id: '/c', dependencies: ['/a'] },
    ]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.cycle).toEqual(['/a', '/b', '/c', '/a']);
  });
});
