import { DateTime, Duration, IANAZone } from 'luxon';
import { CronExpressionParser } from 'cron-parser';
import { StrataError } from '@strata/lib/errors';

/**
 * When a job is due. Times are epoch milliseconds. Every occurrence is computed from the anchor
 * (start + k x period), never by adding a period to a rewritten start, so schedules never drift
 * and a month-end start keeps landing on month ends (Jan 31 -> Feb 28 -> Mar 31).
 *
 * Time zones and DST (the documented rule): with `scheduleTimeZone` the wall-clock fields of the
 * start are read in that zone. Calendar periods (P1D, P1W, P1M, P1Y) keep the local wall-clock
 * time across DST changes; time periods (PT24H, PT1H) are exact durations. A local time that does
 * not exist (spring-forward gap) runs at the same offset from the gap's start moved forward by the
 * gap (02:30 -> 03:30); a local time that exists twice (fall-back overlap) runs once, at the first
 * of the two instants. Because every occurrence comes from the anchor, the next day is back at
 * 02:30.
 */
export interface Schedule {
  /** The text as given (kept byte-for-byte for the API). */
  readonly source: string;
  /** First occurrence strictly after `t`, or undefined when no occurrence is left. */
  after(t: number): number | undefined;
  /** Latest occurrence at or before `t`, or undefined. */
  atOrBefore(t: number): number | undefined;
}

/** A schedule that does not parse or is out of range. */
export class ScheduleError extends StrataError {
  constructor(message: string) {
    super('INVALID_SCHEDULE', message, { status: 400 });
  }
}

const EPOCH_FLOOR = Date.parse('1970-01-01T00:00:01.000Z');
/** Bounds that keep every occurrence computable: four-digit years, real UTC offsets, periods a timer can honour. */
const LAST_YEAR = 9999;
const MAX_REPETITIONS = 2 ** 31 - 1;
const MIN_PERIOD_MS = 1000;
export const MAX_PERIOD_YEARS = 100;
const OFFSET = /([+-])(\d{2}):?(\d{2})$/;

function zoneOf(timeZone: string): string | undefined {
  if (!timeZone) return undefined;
  if (!IANAZone.isValidZone(timeZone)) throw new ScheduleError(`Unknown time zone '${timeZone}' (use an IANA name such as Europe/Berlin)`);
  return timeZone;
}

/** An ISO 8601 repeating interval `R[n]/<start>/<period>` (Chronos's grammar). */
export class IsoSchedule implements Schedule {
  private readonly startMs: number;
  private readonly approxMs: number;

  private constructor(
    readonly source: string,
    /** -1 = forever (`R`), else the number of occurrences. */
    readonly repetitions: number,
    readonly start: DateTime,
    readonly period: Duration,
  ) {
    this.startMs = start.toMillis();
    this.approxMs = period.as('milliseconds');
  }

  /** `now` stands in for an empty start (`R1//PT1H`: from now). */
  static parse(schedule: string, timeZone: string, now: number): IsoSchedule {
    const m = /^R(\d*)\/(.*)\/(P.*)$/.exec(schedule);
    if (!m) throw new ScheduleError(`Cannot parse schedule '${schedule}': expected R[n]/<start>/<period>`);
    const repetitions = m[1] === '' ? -1 : Number(m[1]);
    if (m[1]!.length > 10 || repetitions > MAX_REPETITIONS) throw new ScheduleError(`Schedule '${schedule}' repeats more than ${MAX_REPETITIONS} times`);
    const zone = zoneOf(timeZone);
    let start: DateTime;
    if (m[2] === '') {
      start = DateTime.fromMillis(now, { zone: zone ?? 'UTC' }); // an empty start is due now
    } else {
      start = DateTime.fromISO(m[2]!, { setZone: true });
      if (!start.isValid) throw new ScheduleError(`Cannot parse schedule '${schedule}': start '${m[2]}' is not an ISO 8601 date-time`);
      const off = OFFSET.exec(m[2]!);
      if (off && (Number(off[2]) > 18 || Number(off[3]) > 59 || (Number(off[2]) === 18 && Number(off[3]) > 0))) throw new ScheduleError(`Cannot parse schedule '${schedule}': UTC offset '${off[0]}' is outside -18:00..+18:00`);
      if (start.year > LAST_YEAR) throw new ScheduleError(`Cannot parse schedule '${schedule}': start year ${start.year} is after ${LAST_YEAR}`);
      if (zone) start = start.setZone(zone, { keepLocalTime: true });
    }
    if (start.toMillis() < EPOCH_FLOOR) throw new ScheduleError(`Scheduled start date '${m[2]}' is before 1970!`);
    const period = Duration.fromISO(m[3]!);
    if (!period.isValid) throw new ScheduleError(`Cannot parse schedule '${schedule}': period '${m[3]}' is not an ISO 8601 duration`);
    const values = Object.values(period.toObject()) as number[];
    const once = repetitions === 1 || repetitions === 0;
    if (values.some((v) => v < 0) || period.as('milliseconds') <= 0) {
      if (!once) throw new ScheduleError(`Schedule '${schedule}' has a zero or negative period`);
    } else if (!once && period.as('milliseconds') < MIN_PERIOD_MS) {
      throw new ScheduleError(`Schedule '${schedule}' repeats more often than once a second`);
    }
    if (period.as('years') > MAX_PERIOD_YEARS) throw new ScheduleError(`Schedule '${schedule}' has a period longer than ${MAX_PERIOD_YEARS} years`);
    return new IsoSchedule(schedule, repetitions, start, period);
  }

  /** Occurrence k (0-based): the anchor plus k periods, in the schedule's zone. */
  occurrence(k: number): number {
    if (k === 0) return this.startMs;
    return this.start.plus(this.period.mapUnits((x) => x * k)).toMillis();
  }

  private inRange(k: number): boolean {
    return k >= 0 && (this.repetitions < 0 || k < this.repetitions);
  }

  /** Smallest k with occurrence(k) > t (ignoring repetitions). */
  private indexAfter(t: number): number {
    if (t < this.startMs) return 0;
    if (this.approxMs <= 0) return 1;
    let k = Math.max(0, Math.floor((t - this.startMs) / this.approxMs));
    // The estimate is off by a little for calendar periods (months differ, DST days are 23 or 25 h).
    while (k > 0 && this.occurrence(k) > t) k--;
    while (this.occurrence(k) <= t) k++;
    return k;
  }

  after(t: number): number | undefined {
    const k = this.indexAfter(t);
    return this.inRange(k) ? this.occurrence(k) : undefined;
  }

  atOrBefore(t: number): number | undefined {
    let k = this.indexAfter(t) - 1;
    if (this.repetitions >= 0) k = Math.min(k, this.repetitions - 1);
    return this.inRange(k) ? this.occurrence(k) : undefined;
  }

  /**
   * The schedule as Chronos stores it once `t` (an occurrence) is next: `R<left>/<t>/<period>`,
   * with the runs left counting t (`R` alone for a schedule without end). Clients read the next
   * run and the runs left from it; occurrences are still computed from the original anchor.
   */
  advancedTo(t: number): string {
    const period = /\/(P[^/]*)$/.exec(this.source)![1];
    const at = DateTime.fromMillis(t, { zone: this.start.zone }).toISO({ suppressMilliseconds: false });
    const left = this.repetitions < 0 ? '' : String(Math.max(0, this.repetitions - this.countAtOrBefore(t - 1)));
    return `R${left}/${at}/${period}`;
  }

  /** How many occurrences come at or before `t` (for R<n> bookkeeping). */
  countAtOrBefore(t: number): number {
    const k = this.indexAfter(t);
    return this.repetitions >= 0 ? Math.min(k, this.repetitions) : k;
  }
}

/**
 * A cron expression, for users who asked Chronos for them for years. It lives in its own field
 * (`cronSchedule`), so ISO 8601 jobs stay byte-for-byte what Chronos clients send.
 */
export class CronSchedule implements Schedule {
  private constructor(readonly source: string, private readonly tz: string | undefined) {}

  static parse(expr: string, timeZone = ''): CronSchedule {
    const tz = zoneOf(timeZone);
    try {
      CronExpressionParser.parse(expr, { tz });
    } catch (err) {
      throw new ScheduleError(`Cannot parse cron expression '${expr}': ${(err as Error).message}`);
    }
    return new CronSchedule(expr, tz);
  }

  after(t: number): number | undefined {
    const it = CronExpressionParser.parse(this.source, { currentDate: new Date(t), tz: this.tz });
    try {
      return it.next().getTime();
    } catch {
      return undefined;
    }
  }

  atOrBefore(t: number): number | undefined {
    const it = CronExpressionParser.parse(this.source, { currentDate: new Date(t + 1), tz: this.tz });
    try {
      return it.prev().getTime();
    } catch {
      return undefined;
    }
  }
}

export interface DuePlan {
  /** Occurrences (due times) to run now, oldest first. */
  run: number[];
  /** Occurrences given up: with epsilon, those not started within due + epsilon (`dues`: the latest of them, at most RECENT_SKIPS). */
  skipped: { count: number; first?: number; last?: number; dues?: number[] };
  /** The next occurrence to wait for, if any. */
  nextDue?: number;
}

/** How many skipped due times a job keeps (its count has them all). */
export const RECENT_SKIPS = 100;

/** A job's recent skipped due times with `more` appended, the oldest dropped past RECENT_SKIPS. */
export function recentSkips(kept: readonly number[] | undefined, more: readonly number[]): number[] {
  return [...(kept ?? []), ...more].slice(-RECENT_SKIPS);
}

/**
 * What to do at `now` for a job whose next unhandled occurrence is `pendingDue` (Chronos's
 * missed-run rules, with both generations' behaviour selectable):
 * - with `epsilonMs`, an occurrence not started by due + epsilon is skipped (and recorded);
 *   later ones still within epsilon run; one `hasRun` already is neither;
 * - without it, all missed occurrences collapse into one catch-up run (the latest), then the
 *   next future slot: never two runs for one occurrence, never a burst after downtime.
 */
export function planDue(schedule: Schedule, pendingDue: number | undefined, now: number, epsilonMs?: number, hasRun: (due: number) => boolean = () => false): DuePlan {
  if (pendingDue === undefined) return { run: [], skipped: { count: 0 } };
  if (pendingDue > now) return { run: [], skipped: { count: 0 }, nextDue: pendingDue };
  const latest = schedule.atOrBefore(now) ?? pendingDue;
  const nextDue = schedule.after(now);
  if (epsilonMs === undefined) return { run: [Math.max(latest, pendingDue)], skipped: { count: 0 }, nextDue };
  const skipped: DuePlan['skipped'] = { count: 0 };
  const run: number[] = [];
  // Occurrences due before now - epsilon are all too late; count them without listing them all.
  const cutoff = now - epsilonMs;
  let d: number | undefined = pendingDue;
  let guard = 0;
  while (d !== undefined && d <= now && guard++ < 100_000) {
    // An occurrence that already has its run (a predecessor queued or launched it and died before
    // moving the job on) is neither run again nor skipped: it happened, once.
    if (hasRun(d)) {
      d = schedule.after(d);
      continue;
    }
    if (d < cutoff) {
      skipped.count++;
      skipped.first ??= d;
      skipped.last = d;
      (skipped.dues ??= []).push(d);
      if (skipped.dues.length > RECENT_SKIPS) skipped.dues.shift();
    } else {
      run.push(d);
    }
    d = schedule.after(d);
  }
  return { run, skipped, nextDue };
}
