import { isLike, isUnlike } from './constraints';

describe('LIKE / UNLIKE', () => {
  it('match the whole value, not a part of it', () => {
    expect(isLike('web-1', 'web-.*')).toBe(true);
    expect(isLike('web-1', 'web')).toBe(false);
    expect(isLike('xweb-1', 'web-.*')).toBe(false);
    expect(isLike('a', 'a|b')).toBe(true);
    expect(isLike('ab', 'a|b')).toBe(false);
  });

  it('treat a missing attribute as not like anything, and so unlike everything', () => {
    expect(isLike(undefined, '.*')).toBe(false);
    expect(isUnlike(undefined, '.*')).toBe(true);
    expect(isUnlike('db-1', 'web-.*')).toBe(true);
    expect(isUnlike('web-1', 'web-.*')).toBe(false);
  });

  it('never match with a pattern that does not compile (refused when stored; an old record must not throw)', () => {
    expect(isLike('x', '(')).toBe(false);
    expect(isUnlike('x', '(')).toBe(true);
  });
});
