import { sandboxPathProblem } from '@strata/lib/validation';
import { Duration } from 'luxon';
import { CronSchedule, IsoSchedule, ScheduleError, MAX_PERIOD_YEARS, type Schedule } from '../schedule/schedule';
import { StrataError } from '@strata/lib/errors';
import { checkJobSecretUse, parseJobSecrets, type JobEnvVar, type JobSecrets } from './job-secrets';

/**
 * A Chronos job as the API shows it: Chronos 3.x's fields and defaults
 * (../shared/reference/chronos.md §2.1), plus `cronSchedule` (Strata's addition) and `epsilon`
 * (2.x's missed-run window, honoured when set).
 */
export interface Job {
  name: string;
  command: string;
  shell: boolean;
  executor: string;
  executorFlags: string;
  taskInfoData: string;
  retries: number;
  owner: string;
  ownerName: string;
  description: string;
  successCount: number;
  errorCount: number;
  lastSuccess: string;
  lastError: string;
  cpus: number;
  disk: number;
  mem: number;
  disabled: boolean;
  softError: boolean;
  dataProcessingJobType: boolean;
  errorsSinceLastSuccess: number;
  fetch: { uri: string; executable: boolean; cache: boolean; extract: boolean; output_file: string }[];
  uris: string[];
  /** Values, or `{name, secret}` naming one of `secrets`. */
  environmentVariables: JobEnvVar[];
  /** Metronome's `secrets`: name -> `{source}` in the master's secret store (absent on jobs stored before it). */
  secrets?: JobSecrets;
  arguments: string[];
  highPriority: boolean;
  runAsUser: string;
  concurrent: boolean;
  maxCompletionTime: number;
  container: Record<string, unknown> | null;
  constraints: string[][];
  epsilon?: string;
  parents?: string[];
  schedule?: string;
  scheduleTimeZone?: string;
  cronSchedule?: string;
}

/** A job definition the API refuses (Chronos's 400, its message naming the problem). */
export class JobValidationError extends StrataError {
  constructor(message: string) {
    super('INVALID_JOB', message, { status: 400 });
  }
}

export const JOB_NAME = /^[\w.-]+$/;
/** Longest job name: names are state keys, task ids and graph labels. */
export const MAX_JOB_NAME = 255;
/** Chronos's constraint operators. */
const CONSTRAINT_OPERATORS = ['EQUALS', 'LIKE', 'UNLIKE'];

/** Why a job name is refused, or undefined (`.` and `..` match Chronos's pattern but name no file, no URL path). */
export function jobNameProblem(name: string): string | undefined {
  if (!JOB_NAME.test(name) || name === '.' || name === '..') return `the job's name is invalid. Allowed names: '([\\w\\.-]+)', not '.' or '..'`;
  if (name.length > MAX_JOB_NAME) return `the job's name is longer than ${MAX_JOB_NAME} characters`;
  return undefined;
}


const str = (v: unknown, field: string, fallback = ''): string => {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') throw new JobValidationError(`'${field}' must be a string`);
  return v;
};
const bool = (v: unknown, field: string, fallback: boolean): boolean => {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new JobValidationError(`'${field}' must be true or false`);
  return v;
};
const num = (v: unknown, field: string, fallback: number, opts: { min?: number; integer?: boolean } = {}): number => {
  if (v === undefined || v === null) return fallback;
  // Chronos's Jackson accepts numbers sent as strings ("0.5"); so do we.
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new JobValidationError(`'${field}' must be a number`);
  if (opts.integer && !Number.isInteger(n)) throw new JobValidationError(`'${field}' must be an integer`);
  if (opts.min !== undefined && n < opts.min) throw new JobValidationError(`'${field}' must be at least ${opts.min}`);
  return n;
};
const strings = (v: unknown, field: string): string[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new JobValidationError(`'${field}' must be an array of strings`);
  return v as string[];
};

/**
 * Parses a request body into a job with Chronos's defaults, or throws a JobValidationError whose
 * message names the problem (the API answers 400 with it). `kind` says which endpoint: a
 * dependency job must name parents; a schedule job must have a schedule (or none: run once now).
 */
export function parseJob(body: unknown, kind: 'iso8601' | 'dependency', defaults: { cpus: number; mem: number; disk: number } | undefined, now: number): Job {
  defaults ??= { cpus: 0.1, mem: 128, disk: 256 };
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new JobValidationError('The body must be a JSON object describing a job');
  const b = body as Record<string, unknown>;
  const name = str(b.name, 'name');
  const nameProblem = jobNameProblem(name);
  if (nameProblem) throw new JobValidationError(nameProblem);
  const uris = strings(b.uris, 'uris');
  if (uris.length && Array.isArray(b.fetch) && b.fetch.length) throw new JobValidationError(`Tried to add both uri (deprecated) and fetch parameters on ${name}`);
  if (b.fetch !== undefined && b.fetch !== null && !Array.isArray(b.fetch)) throw new JobValidationError("'fetch' must be an array of {uri, ...}");
  const fetch = Array.isArray(b.fetch)
    ? (b.fetch as unknown[]).map((raw, i) => {
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new JobValidationError(`'fetch[${i}]' must be an object {uri, executable, cache, extract, output_file}`);
        const f = raw as Record<string, unknown>;
        const uri = str(f.uri, `fetch[${i}].uri`);
        if (!uri) throw new JobValidationError(`'fetch[${i}].uri' is required`);
        const output_file = str(f.output_file, `fetch[${i}].output_file`);
        const bad = output_file && sandboxPathProblem(output_file);
        if (bad) throw new JobValidationError(`'fetch[${i}].output_file' '${output_file}' ${bad}`);
        return { uri, executable: bool(f.executable, `fetch[${i}].executable`, false), cache: bool(f.cache, `fetch[${i}].cache`, false), extract: bool(f.extract, `fetch[${i}].extract`, true), output_file };
      })
    : [];
  if (b.environmentVariables !== undefined && b.environmentVariables !== null && !Array.isArray(b.environmentVariables)) throw new JobValidationError("'environmentVariables' must be an array of {name, value}");
  const env = Array.isArray(b.environmentVariables)
    ? (b.environmentVariables as unknown[]).map((raw, i) => {
        if (raw === null || typeof raw !== 'object') throw new JobValidationError(`'environmentVariables[${i}]' must be an object {name, value}`);
        const e = raw as Record<string, unknown>;
        const varName = str(e.name, `environmentVariables[${i}].name`);
        if (e.secret !== undefined && e.secret !== null) return { name: varName, secret: str(e.secret, `environmentVariables[${i}].secret`) };
        return { name: varName, value: str(e.value, `environmentVariables[${i}].value`) };
      })
    : [];
  const secrets = parseJobSecrets(b.secrets, name, (m) => new JobValidationError(m));
  checkJobSecretUse(env, (b.container as { volumes?: unknown } | null | undefined)?.volumes, secrets, (m) => new JobValidationError(m));
  const constraints = b.constraints === undefined || b.constraints === null ? [] : b.constraints;
  if (!Array.isArray(constraints) || !constraints.every((c) => Array.isArray(c) && c.length === 3 && c.every((x) => typeof x === 'string'))) throw new JobValidationError("'constraints' must be an array of [attribute, operator, value]");
  for (const c of constraints as string[][]) {
    if (!CONSTRAINT_OPERATORS.includes(c[1]!)) throw new JobValidationError(`Constraint operator '${c[1]}' is not one of ${CONSTRAINT_OPERATORS.join(', ')}`);
    if (c[1] !== 'EQUALS') {
      try {
        new RegExp(c[2]!);
      } catch {
        throw new JobValidationError(`Constraint value '${c[2]}' is not a valid regular expression`);
      }
    }
  }
  const cpus = num(b.cpus, 'cpus', 0, { min: 0 }) || defaults.cpus; // 0 means the default, as in Chronos
  const mem = num(b.mem, 'mem', 0, { min: 0 }) || defaults.mem;
  const disk = num(b.disk, 'disk', 0, { min: 0 }) || defaults.disk;
  const job: Job = {
    name,
    command: str(b.command, 'command'),
    shell: bool(b.shell, 'shell', true),
    executor: str(b.executor, 'executor'),
    executorFlags: str(b.executorFlags, 'executorFlags'),
    taskInfoData: str(b.taskInfoData, 'taskInfoData'),
    retries: num(b.retries, 'retries', 2, { min: 0, integer: true }),
    owner: str(b.owner, 'owner'),
    ownerName: str(b.ownerName, 'ownerName'),
    description: str(b.description, 'description'),
    successCount: num(b.successCount, 'successCount', 0, { min: 0, integer: true }),
    errorCount: num(b.errorCount, 'errorCount', 0, { min: 0, integer: true }),
    lastSuccess: str(b.lastSuccess, 'lastSuccess'),
    lastError: str(b.lastError, 'lastError'),
    cpus,
    disk,
    mem,
    disabled: bool(b.disabled, 'disabled', false),
    softError: bool(b.softError, 'softError', false),
    dataProcessingJobType: bool(b.dataProcessingJobType, 'dataProcessingJobType', false),
    errorsSinceLastSuccess: num(b.errorsSinceLastSuccess, 'errorsSinceLastSuccess', 0, { min: 0, integer: true }),
    fetch,
    uris,
    environmentVariables: env,
    secrets,
    arguments: strings(b.arguments, 'arguments'),
    highPriority: bool(b.highPriority, 'highPriority', false),
    runAsUser: str(b.runAsUser, 'runAsUser', 'root'),
    concurrent: bool(b.concurrent, 'concurrent', false),
    maxCompletionTime: num(b.maxCompletionTime, 'maxCompletionTime', 0, { min: 0 }),
    container: b.container && typeof b.container === 'object' ? (b.container as Record<string, unknown>) : null,
    constraints: constraints as string[][],
  };
  if (b.epsilon !== undefined && b.epsilon !== null && b.epsilon !== '') {
    const eps = Duration.fromISO(str(b.epsilon, 'epsilon'));
    if (!eps.isValid || eps.as('milliseconds') < 0 || eps.as('years') > MAX_PERIOD_YEARS) throw new JobValidationError(`'epsilon' must be an ISO 8601 duration such as PT60S, not '${b.epsilon}'`);
    job.epsilon = b.epsilon as string;
  }
  if (kind === 'dependency') {
    const parents = [...new Set(strings(b.parents, 'parents'))];
    for (const p of parents) if (jobNameProblem(p)) throw new JobValidationError(`parent '${p.slice(0, 300)}' is not a valid job name`);
    if (parents.length === 0) throw new JobValidationError(`A dependency job needs 'parents'`);
    if (parents.includes(name)) throw new JobValidationError(`Job '${name}' cannot be its own parent`);
    job.parents = parents;
    return job;
  }
  job.scheduleTimeZone = str(b.scheduleTimeZone, 'scheduleTimeZone');
  const cron = str(b.cronSchedule, 'cronSchedule');
  try {
    if (cron) {
      CronSchedule.parse(cron, job.scheduleTimeZone);
      job.cronSchedule = cron;
    } else {
      // No schedule at all: run once, now (Chronos 3.x: R1/<now>/PT24H).
      job.schedule = str(b.schedule, 'schedule') || `R1/${new Date(now).toISOString()}/PT24H`;
      IsoSchedule.parse(job.schedule, job.scheduleTimeZone ?? '', now);
      // An empty start means "now": pin it, as Chronos stores the schedule it computed, so the anchor never moves.
      const m = /^(R\d*)\/\/(P.*)$/.exec(job.schedule);
      if (m) job.schedule = `${m[1]}/${new Date(now).toISOString()}/${m[2]}`;
    }
  } catch (err) {
    if (err instanceof ScheduleError) throw new JobValidationError(err.message);
    throw err;
  }
  return job;
}

/**
 * A job's schedule. `anchor` is the ISO schedule as the client last set it: the stored
 * `schedule` advances after each run (as Chronos's does), but occurrences keep coming from the
 * original anchor, so month ends stay month ends.
 */
export function scheduleOf(job: Job, now: number, anchor?: string): Schedule | undefined {
  if (job.cronSchedule) return CronSchedule.parse(job.cronSchedule, job.scheduleTimeZone ?? '');
  if (job.schedule) return IsoSchedule.parse(anchor ?? job.schedule, job.scheduleTimeZone ?? '', now);
  return undefined;
}

export function epsilonMs(job: Job): number | undefined {
  return job.epsilon ? Duration.fromISO(job.epsilon).as('milliseconds') : undefined;
}

/** A cycle among jobs' parents, if any (parents that are not jobs are the caller's check). */
export function findCycle(parentsOf: (name: string) => string[] | undefined, start: string): string[] | undefined {
  const path: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string): string[] | undefined => {
    const at = path.indexOf(n);
    if (at >= 0) return [...path.slice(at), n];
    if (seen.has(n)) return undefined;
    seen.add(n);
    path.push(n);
    for (const p of parentsOf(n) ?? []) {
      const c = visit(p);
      if (c) return c;
    }
    path.pop();
    return undefined;
  };
  return visit(start);
}
