import fc from 'fast-check';
import { jsonEqual } from './json-equal';

/** JSON.stringify with keys sorted: equal exactly when the values serialize alike, key order aside. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x)) ?? 'undefined';

describe('jsonEqual', () => {
  it('agrees with comparing the (key-sorted) JSON of both, over random values and near-copies', () => {
    const leaf = fc.oneof(fc.constant(undefined), fc.constant(null), fc.constant(NaN), fc.constant(Infinity), fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true }), fc.constantFrom('', 'a', 'b'), fc.boolean());
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('v'), { maxKeys: 3 })),
    })).v;
    let equalPairs = 0;
    fc.assert(
      fc.property(value, value, fc.boolean(), (a, b, copy) => {
        const other = copy ? structuredClone(a) : b;
        const expected = canonical(a) === canonical(other);
        if (expected) equalPairs++;
        expect(jsonEqual(a, other)).toBe(expected);
        expect(jsonEqual(other, a)).toBe(expected);
      }),
      { numRuns: 3_000 },
    );
    expect(equalPairs).toBeGreaterThan(500); // the copies: equality itself is exercised, not only "differs"
  });

  it('treats what JSON drops or nulls as JSON does, and key order as irrelevant', () => {
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1, f: () => 1 }, { a: 1 })).toBe(true);
    expect(jsonEqual([undefined], [null])).toBe(true);
    expect(jsonEqual(NaN, null)).toBe(true);
    expect(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 0 })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: '1' }, { a: 1 })).toBe(false);
    expect(jsonEqual({ d: new Date(0) }, { d: '1970-01-01T00:00:00.000Z' })).toBe(true); // a Date serializes as its ISO string
    expect(jsonEqual({ d: new Date(0) }, { d: new Date(1) })).toBe(false);
    expect(jsonEqual({ d: new Date(0) }, { d: new Date(0) })).toBe(true);
    expect(jsonEqual(Buffer.from('x'), Buffer.from('x'))).toBe(true);
    expect(jsonEqual(Buffer.from('x'), Buffer.from('y'))).toBe(false);
  });
});
