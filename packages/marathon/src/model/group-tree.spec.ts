import { GroupTree } from './group-tree';
import { parentOf } from './path-id';

/** A seeded generator, so a failing sequence can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('GroupTree', () => {
  it('derives groups from app ids and records, with every parent present', () => {
    const t = new GroupTree(['/a/b/web', '/x'], ['/g/h']);
    expect(['/', '/a', '/a/b', '/g', '/g/h'].every((g) => t.has(g))).toBe(true);
    expect(t.has('/a/b/web')).toBe(false); // an app, not a group
    expect(t.has('/x')).toBe(false);
    expect(t.subgroups('/')).toEqual(['/a', '/g']);
    expect(t.subgroups('/a')).toEqual(['/a/b']);
    expect(t.subgroups('/a/b')).toEqual([]);
  });

  it('stays a tree through random create and delete sequences of apps and groups', () => {
    const names = ['a', 'b', 'c'];
    for (let seed = 1; seed <= 200; seed++) {
      const r = rng(seed);
      const path = () => '/' + Array.from({ length: 1 + Math.floor(r() * 3) }, () => names[Math.floor(r() * names.length)]).join('/');
      const apps = new Set<string>();
      const groups = new Set<string>();
      for (let step = 0; step < 40; step++) {
        const p = path();
        const op = r();
        if (op < 0.35) { if (!groups.has(p)) apps.add(p); }
        else if (op < 0.55) { if (!apps.has(p)) groups.add(p); }
        else if (op < 0.8) apps.delete([...apps][Math.floor(r() * apps.size)] ?? '');
        else {
          // Deleting a group deletes everything under it.
          const g = [...groups][Math.floor(r() * groups.size)];
          if (g) for (const x of [...apps, ...groups]) if (x === g || x.startsWith(`${g}/`)) { apps.delete(x); groups.delete(x); }
        }
        const t = new GroupTree(apps, groups);
        const seen = new Set<string>();
        const walk = (g: string) => {
          expect(seen.has(g)).toBe(false); // no group is reached twice: a tree
          seen.add(g);
          for (const s of t.subgroups(g)) {
            expect(parentOf(s)).toBe(g);
            walk(s);
          }
        };
        walk('/');
        // Every group that exists is reachable from the root, and so is every app's group.
        for (const g of groups) expect(seen.has(g)).toBe(true);
        for (const a of apps) expect(seen.has(parentOf(a))).toBe(true);
        for (const g of seen) expect(t.has(g)).toBe(true);
      }
    }
  });
});
