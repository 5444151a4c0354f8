import { CronSchedule, IsoSchedule, RECENT_SKIPS, ScheduleError, planDue, recentSkips } from './schedule';

/** Parses as of a fixed instant: only an empty start reads it. */
const parseAt = (schedule: string, timeZone = '') => IsoSchedule.parse(schedule, timeZone, Date.parse('2026-01-01T00:00:00Z'));

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The first n occurrences, by walking `after`. */
function first(s: { after(t: number): number | undefined }, n: number, from: number): string[] {
  const out: string[] = [];
  let at = from - 1;
  for (let i = 0; i < n; i++) {
    const next = s.after(at);
    if (next === undefined) break;
    out.push(iso(next)!);
    at = next;
  }
  return out;
}

describe('ISO 8601 repeating intervals', () => {
  it('R forever with a time period', () => {
    const s = parseAt('R/2026-01-01T00:00:00Z/PT1H');
    expect(s.repetitions).toBe(-1);
    expect(first(s, 3, t('2026-01-01T00:00:00Z'))).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z']);
    expect(iso(s.after(t('2026-03-05T10:30:00Z')))).toBe('2026-03-05T11:00:00.000Z');
    expect(iso(s.atOrBefore(t('2026-03-05T10:30:00Z')))).toBe('2026-03-05T10:00:00.000Z');
  });

  it('Rn stops after n occurrences', () => {
    const s = parseAt('R3/2026-01-01T00:00:00Z/PT10M');
    expect(first(s, 10, t('2025-12-31T00:00:00Z'))).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-01T00:10:00.000Z', '2026-01-01T00:20:00.000Z']);
    expect(s.after(t('2026-01-01T00:20:00Z'))).toBeUndefined();
    expect(iso(s.atOrBefore(t('2027-01-01T00:00:00Z')))).toBe('2026-01-01T00:20:00.000Z');
    expect(s.countAtOrBefore(t('2026-01-01T00:15:00Z'))).toBe(2);
    expect(parseAt('R0/2026-01-01T00:00:00Z/PT1M').after(0)).toBeUndefined();
  });

  it('an empty start means now (due at once)', () => {
    const now = t('2026-06-01T12:00:00Z');
    const s = IsoSchedule.parse('R1//PT24H', '', now);
    expect(s.atOrBefore(now)).toBe(now);
  });

  it('weeks, days with time parts, years and an offset in the start', () => {
    expect(first(parseAt('R/2026-01-05T09:00:00Z/P1W'), 2, 0)).toEqual(['2026-01-05T09:00:00.000Z', '2026-01-12T09:00:00.000Z']);
    expect(first(parseAt('R/2026-01-01T00:00:00Z/P1DT12H'), 3, 0)).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-02T12:00:00.000Z', '2026-01-04T00:00:00.000Z']);
    expect(first(parseAt('R/2024-02-29T00:00:00Z/P1Y'), 3, 0)).toEqual(['2024-02-29T00:00:00.000Z', '2025-02-28T00:00:00.000Z', '2026-02-28T00:00:00.000Z']);
    expect(first(parseAt('R/2026-01-01T13:00:00.000-04:00/PT30M'), 1, 0)).toEqual(['2026-01-01T17:00:00.000Z']);
  });

  it('months of different lengths: every occurrence from the anchor, so month ends stay month ends', () => {
    const s = parseAt('R/2026-01-31T08:00:00Z/P1M');
    expect(first(s, 5, 0)).toEqual(['2026-01-31T08:00:00.000Z', '2026-02-28T08:00:00.000Z', '2026-03-31T08:00:00.000Z', '2026-04-30T08:00:00.000Z', '2026-05-31T08:00:00.000Z']);
    // far ahead the index estimate still lands exactly
    expect(iso(s.after(t('2030-07-15T00:00:00Z')))).toBe('2030-07-31T08:00:00.000Z');
  });

  it('reads the start in scheduleTimeZone, keeping its wall-clock fields', () => {
    const s = parseAt('R/2026-07-01T09:00:00Z/P1D', 'America/New_York');
    expect(first(s, 1, 0)).toEqual(['2026-07-01T13:00:00.000Z']); // 09:00 EDT
  });

  it('DST spring forward: P1D keeps 02:30 local (the gap day runs at 03:30), PT24H is exactly 24 h', () => {
    const daily = parseAt('R/2026-03-27T02:30:00/P1D', 'Europe/Berlin');
    expect(first(daily, 4, 0)).toEqual([
      '2026-03-27T01:30:00.000Z', // 02:30 CET
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:30:00.000Z', // 02:30 does not exist: 03:30 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST again
    ]);
    const hours = parseAt('R/2026-03-28T02:30:00/PT24H', 'Europe/Berlin');
    expect(first(hours, 3, 0)).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T01:30:00.000Z']); // 03:30 local after the change
  });

  it('DST fall back: the repeated 02:30 runs once, at the first instant', () => {
    const daily = parseAt('R/2026-10-24T02:30:00/P1D', 'Europe/Berlin');
    expect(first(daily, 3, 0)).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it.each([
    ['every hour', 'Cannot parse schedule'],
    ['R/2026-13-01T00:00:00Z/PT1H', "start '2026-13-01T00:00:00Z'"],
    ['R/2026-01-01T00:00:00Z/P1Q', "period 'P1Q'"],
    ['R/1969-12-31T00:00:00Z/PT1H', 'before 1970'],
    ['R/2026-01-01T00:00:00Z/PT0S', 'zero or negative period'],
    ['R/2026-01-01T00:00:00Z/P-1D', 'zero or negative period'],
  ])('rejects %s', (schedule, message) => {
    expect(() => parseAt(schedule)).toThrow(ScheduleError);
    expect(() => parseAt(schedule)).toThrow(message);
  });

  it('rejects unknown time zones instead of silently using GMT', () => {
    expect(() => parseAt('R/2026-01-01T00:00:00Z/PT1H', 'Mars/Olympus')).toThrow("Unknown time zone 'Mars/Olympus'");
  });

  it('allows a zero period for a single run (R1//P, as Chronos does)', () => {
    expect(parseAt('R1/2026-01-01T00:00:00Z/P').after(0)).toBe(t('2026-01-01T00:00:00Z'));
  });
});

describe('cron expressions', () => {
  it('runs at the expression in the time zone', () => {
    const s = CronSchedule.parse('30 2 * * *', 'Europe/Berlin');
    expect(first(s, 2, t('2026-07-01T00:00:00Z'))).toEqual(['2026-07-01T00:30:00.000Z', '2026-07-02T00:30:00.000Z']);
    expect(iso(s.atOrBefore(t('2026-07-01T12:00:00Z')))).toBe('2026-07-01T00:30:00.000Z');
  });
  it('rejects a malformed expression', () => {
    expect(() => CronSchedule.parse('61 * * * *')).toThrow('Cannot parse cron expression');
  });
});

describe('missed runs', () => {
  const s = parseAt('R/2026-01-01T00:00:00Z/PT1M');
  const start = t('2026-01-01T00:00:00Z');

  it('waits for an occurrence in the future', () => {
    expect(planDue(s, start, start - 5_000)).toEqual({ run: [], skipped: { count: 0 }, nextDue: start });
  });

  it('runs an occurrence that is due now, once', () => {
    const p = planDue(s, start, start + 200);
    expect(p.run).toEqual([start]);
    expect(p.nextDue).toBe(start + 60_000);
  });

  it('without epsilon: one catch-up run for any number of missed occurrences, then the next future slot', () => {
    const now = start + 10 * 60_000 + 30_000; // 10.5 minutes of downtime
    const p = planDue(s, start, now);
    expect(p.run).toEqual([start + 10 * 60_000]);
    expect(p.skipped.count).toBe(0);
    expect(p.nextDue).toBe(start + 11 * 60_000);
  });

  it('with epsilon: occurrences later than due + epsilon are skipped and counted, the rest run', () => {
    const now = start + 10 * 60_000 + 30_000;
    const p = planDue(s, start, now, 90_000);
    expect(p.run).toEqual([start + 9 * 60_000, start + 10 * 60_000]);
    expect(p.skipped).toEqual({ count: 9, first: start, last: start + 8 * 60_000, dues: Array.from({ length: 9 }, (_, i) => start + i * 60_000) });
    expect(p.nextDue).toBe(start + 11 * 60_000);
  });

  it('lists the latest skipped due times, at most RECENT_SKIPS of them, while counting all', () => {
    const every = parseAt('R/2026-01-01T00:00:00Z/PT1S');
    const p = planDue(every, start, start + 1_000 * 1_000, 500);
    expect(p.skipped.count).toBe(1_000);
    expect(p.skipped.dues).toHaveLength(RECENT_SKIPS);
    expect(p.skipped.dues![RECENT_SKIPS - 1]).toBe(start + 999 * 1_000);
    expect(recentSkips([1, 2], [3])).toEqual([1, 2, 3]);
    expect(recentSkips(Array.from({ length: RECENT_SKIPS }, (_, i) => i), [1_000])).toEqual([...Array.from({ length: RECENT_SKIPS - 1 }, (_, i) => i + 1), 1_000]);
  });

  it('neither runs again nor skips an occurrence that already has its run (a predecessor launched it, then died)', () => {
    const now = start + 10 * 60_000 + 30_000;
    const launched = new Set([start + 2 * 60_000, start + 10 * 60_000]);
    const p = planDue(s, start, now, 90_000, (d) => launched.has(d));
    expect(p.run).toEqual([start + 9 * 60_000]);
    expect(p.skipped.count).toBe(8);
    expect(p.skipped.dues).not.toContain(start + 2 * 60_000);
    expect(p.nextDue).toBe(start + 11 * 60_000);
  });

  it('never plans past the last repetition', () => {
    const r2 = parseAt('R2/2026-01-01T00:00:00Z/PT1M');
    const p = planDue(r2, start, start + 3_600_000);
    expect(p.run).toEqual([start + 60_000]);
    expect(p.nextDue).toBeUndefined();
  });
});

describe('IsoSchedule bounds', () => {
  it.each([
    ['R/+099999-01-01T00:00:00Z/PT1H', 'after 9999'],
    ['R1000000000/2030-01-01T00:00:00Z/PT0.001S', 'once a second'],
    ['R/2030-01-01T00:00:00Z/P99999999Y', 'longer than 100 years'],
    ['R/2030-01-01T00:00:00+25:00/PT1H', 'outside -18:00..+18:00'],
    ['R/2030-01-01T00:00:00-1860/PT1H', 'outside -18:00..+18:00'],
    ['R12345678901234567890123/2030-01-01T00:00:00Z/PT1H', 'repeats more than'],
    ['R2147483648/2030-01-01T00:00:00Z/PT1H', 'repeats more than'],
  ])('refuses %s', (s, why) => expect(() => parseAt(s)).toThrow(why));
  it.each(['R2147483647/2030-01-01T00:00:00Z/PT1S', 'R/9999-01-01T00:00:00+18:00/P100Y', 'R1/2030-01-01T00:00:00Z/PT0.001S', 'R/2030-01-01T00:00:00-05:30/PT1S'])('accepts %s', (s) => {
    expect(parseAt(s).source).toBe(s);
  });
});

describe('IsoSchedule.advancedTo (the schedule Chronos stores after each run)', () => {
  it('counts down the runs left and moves the start to the next occurrence', () => {
    const s = parseAt('R3/2030-01-01T00:00:00.000Z/PT10S');
    const t0 = Date.parse('2030-01-01T00:00:00Z');
    expect(s.advancedTo(t0)).toBe('R3/2030-01-01T00:00:00.000Z/PT10S');
    expect(s.advancedTo(t0 + 10_000)).toBe('R2/2030-01-01T00:00:10.000Z/PT10S');
    expect(s.advancedTo(t0 + 20_000)).toBe('R1/2030-01-01T00:00:20.000Z/PT10S');
  });
  it('keeps an endless schedule endless, and the zone of its start', () => {
    const s = parseAt('R/2030-01-31T09:00:00.000+01:00/P1M');
    expect(s.advancedTo(s.after(Date.parse('2030-02-01T00:00:00Z'))!)).toBe('R/2030-02-28T09:00:00.000+01:00/P1M');
  });
});
