import { constraintsMet } from './chronos';

describe('chronos constraints', () => {
  const attrs = { hostname: 'web-1', rack: 'r2' };
  it.each([
    [[['rack', 'EQUALS', 'r2']], true],
    [[['rack', 'EQUALS', 'r1']], false],
    [[['hostname', 'LIKE', 'web-.*']], true],
    [[['hostname', 'LIKE', 'web']], false],
    [[['hostname', 'UNLIKE', 'db-.*']], true],
    [[['zone', 'UNLIKE', 'a']], true],
    [[['zone', 'EQUALS', 'a']], false],
    [[['rack', 'SOMETIMES', 'x']], true],
    [[['rack', 'EQUALS', 'r2'], ['hostname', 'LIKE', 'db.*']], false],
  ])('%j -> %s', (c, ok) => {
    expect(constraintsMet(c as string[][], attrs)).toBe(ok);
  });
});
