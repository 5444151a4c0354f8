import { matchesLabels } from './apps';

describe("matchesLabels (Marathon's label selector)", () => {
  const labels = { tier: 'web', env: 'prod' };
  it.each([
    ['tier', true],
    ['tier==web', true],
    ['tier!=web', false],
    ['tier in (web, db)', true],
    ['tier notin (web)', false],
    ['missing notin (x)', true],
    ['tier,env==prod', true],
    ['tier,env==dev', false],
    ['constructor', false],
    ['__proto__', false],
    ['toString', false],
    ['constructor!=x', true],
    ['hasOwnProperty==x', false],
    ['constructor in (x)', false],
  ])('%s -> %s', (selector, ok) => expect(matchesLabels(labels, selector)).toBe(ok));
});
