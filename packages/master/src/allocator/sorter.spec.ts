import { HeapSorter, ListSorter, byShare, type Sorter, type SortedClient } from './sorter';

const client = (name: string, share: number): SortedClient => ({ name, share });
const names = (s: Sorter<SortedClient>) => s.sorted().map((c) => c.name);

/** The contract every sorter keeps; each implementation runs the whole suite. */
describe.each([
  ['HeapSorter', () => new HeapSorter<SortedClient>(byShare)],
  ['ListSorter', () => new ListSorter<SortedClient>(byShare)],
])('%s (sorter contract)', (_name, make: () => Sorter<SortedClient>) => {
  it('orders by share, lowest first, and by name on equal shares', () => {
    const s = make();
    for (const c of [client('c', 0.5), client('b', 0.1), client('a', 0.5), client('d', 0)]) s.add(c);
    expect(names(s)).toEqual(['d', 'b', 'a', 'c']);
    expect(s.size).toBe(4);
    expect(s.members().map((c) => c.name).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('re-places a client whose share grew or shrank', () => {
    const s = make();
    const a = client('a', 0.1);
    const b = client('b', 0.2);
    const c = client('c', 0.3);
    [a, b, c].forEach((x) => s.add(x));
    a.share = 0.9;
    s.update(a);
    expect(names(s)).toEqual(['b', 'c', 'a']);
    c.share = 0;
    s.update(c);
    expect(names(s)).toEqual(['c', 'b', 'a']);
  });

  it('finds the first client a predicate accepts, and leaves the order untouched', () => {
    const s = make();
    for (const c of [client('a', 0.1), client('b', 0.2), client('c', 0.3)]) s.add(c);
    expect(s.first((c) => c.name !== 'a')?.name).toBe('b');
    expect(s.first(() => false)).toBeUndefined();
    expect(s.first(() => true)?.name).toBe('a');
    expect(names(s)).toEqual(['a', 'b', 'c']);
  });

  it('has nothing to give when empty', () => {
    const s = make();
    expect(s.first(() => true)).toBeUndefined();
    expect(s.sorted()).toEqual([]);
  });

  it('agrees with a full sort after any sequence of updates (seeded)', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const s = make();
    const clients = Array.from({ length: 40 }, (_, i) => client(`c${String(i).padStart(2, '0')}`, Math.floor(rand() * 10) / 10));
    clients.forEach((c) => s.add(c));
    for (let step = 0; step < 500; step++) {
      const c = clients[Math.floor(rand() * clients.length)]!;
      c.share = Math.floor(rand() * 10) / 10;
      s.update(c);
      const expected = [...clients].sort(byShare).map((x) => x.name);
      expect(names(s)).toEqual(expected);
      expect(s.first(() => true)?.name).toBe(expected[0]);
    }
  });
});
