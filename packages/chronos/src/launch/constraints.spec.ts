import { constraintsMet } from './constraints';
import { shellQuote } from './task-info';
import { execFileSync } from 'node:child_process';

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

describe('shellQuote', () => {
  it.each(['plain', 'a b', "it's", '$(touch /tmp/x)', '`id`', 'a && b', 'x; y', '"q"', '\\n', '*', ''])('%j reaches a shell as one literal word', (w) => {
    expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(w)}`], { encoding: 'utf8' })).toBe(w);
  });
});
