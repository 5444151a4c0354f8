/**
 * The constraint operators Marathon and Chronos share: LIKE and UNLIKE match the whole value
 * against a regular expression, EQUALS (Chronos) and IS (Marathon) compare it. Patterns are
 * compiled once and kept: a launch loop asks the same few patterns of every candidate agent.
 */
const compiled = new Map<string, RegExp | null>();
const MAX_PATTERNS = 1000;

function wholeMatch(pattern: string): RegExp | null {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null; // refused when the app or job is stored; an older record just never matches
    }
    if (compiled.size >= MAX_PATTERNS) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

/** LIKE: the value exists and matches the whole pattern. */
export function isLike(value: string | undefined, pattern: string): boolean {
  if (value === undefined) return false;
  return wholeMatch(pattern)?.test(value) ?? false;
}

/** UNLIKE: the value is missing or does not match the whole pattern. */
export function isUnlike(value: string | undefined, pattern: string): boolean {
  return value === undefined || !isLike(value, pattern);
}
