/**
 * Bugs planted on purpose, for proving that the chaos run's checkers catch what they must: a
 * service given `STRATA_TEST_HOOKS=name,name` misbehaves in the named way. Read once at start;
 * off unless set, and every hook logs loudly where it acts.
 *
 * - `marathon.forget-scale`: Marathon acknowledges a scale but does not store the new count, so
 *   a successor (or a restart) forgets it.
 * - `chronos.drop-run-after-failover`: a Chronos that takes over drops the first due run of every
 *   job it loaded, without running or counting it as skipped.
 */
export type TestHook = 'marathon.forget-scale' | 'chronos.drop-run-after-failover';

const enabled = new Set((process.env.STRATA_TEST_HOOKS ?? '').split(',').map((s) => s.trim()).filter(Boolean));

export function testHook(name: TestHook): boolean {
  return enabled.has(name);
}
