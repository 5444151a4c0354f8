import { isLike, isUnlike } from '@strata/sdk/offers';

/**
 * Chronos's constraints: `[attribute, EQUALS|LIKE|UNLIKE, value]` over the offer's attributes and
 * `hostname`; LIKE and UNLIKE match the whole value (one implementation with Marathon's, in the
 * SDK). Other operators are refused when a job is stored (parseJob); one read from an older
 * state file is ignored.
 */
export function constraintsMet(constraints: string[][], attributes: Record<string, string>): boolean {
  return constraints.every(([attr, op, value]) => {
    const v = attributes[attr ?? ''];
    switch (op) {
      case 'EQUALS':
        return v === value;
      case 'LIKE':
        return isLike(v, value ?? '');
      case 'UNLIKE':
        return isUnlike(v, value ?? '');
      default:
        return true;
    }
  });
}
