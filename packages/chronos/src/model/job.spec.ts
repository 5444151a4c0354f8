import { findCycle, parseJob, JobValidationError } from './job';

const now = Date.parse('2026-11-24T12:00:00Z');

describe('parseJob', () => {
  it("fills Chronos's defaults", () => {
    const j = parseJob({ name: 'nightly', command: 'make report', schedule: 'R/2026-11-25T02:00:00Z/P1D' }, 'iso8601', undefined, now);
    expect(j).toMatchObject({ shell: true, retries: 2, cpus: 0.1, mem: 128, disk: 256, concurrent: false, disabled: false, softError: false, successCount: 0, errorCount: 0, lastSuccess: '', lastError: '', errorsSinceLastSuccess: 0, runAsUser: 'root', scheduleTimeZone: '' });
  });

  it('treats 0 and numeric strings for resources the way Chronos does', () => {
    const j = parseJob({ name: 'a', command: 'x', schedule: 'R/2026-11-25T02:00:00Z/P1D', cpus: 0, mem: '512' }, 'iso8601', undefined, now);
    expect([j.cpus, j.mem]).toEqual([0.1, 512]);
  });

  it('pins an empty start to now, so the anchor never moves', () => {
    expect(parseJob({ name: 'a', command: 'x', schedule: 'R3//PT1S' }, 'iso8601', undefined, now).schedule).toBe('R3/2026-11-24T12:00:00.000Z/PT1S');
    expect(parseJob({ name: 'once', command: 'x' }, 'iso8601', undefined, now).schedule).toBe('R1/2026-11-24T12:00:00.000Z/PT24H');
  });

  it('accepts a cron expression in its own field and leaves schedule out', () => {
    const j = parseJob({ name: 'c', command: 'x', cronSchedule: '*/5 * * * *', scheduleTimeZone: 'Europe/Paris' }, 'iso8601', undefined, now);
    expect(j.cronSchedule).toBe('*/5 * * * *');
    expect(j.schedule).toBeUndefined();
  });

  it.each([
    [{ name: 'a b', command: 'x' }, 'name is invalid'],
    [{ name: 'a', command: 'x', schedule: 'tomorrow' }, 'Cannot parse schedule'],
    [{ name: 'a', command: 'x', retries: -1 }, "'retries' must be at least 0"],
    [{ name: 'a', command: 'x', shell: 'yes' }, "'shell' must be true or false"],
    [{ name: 'a', command: 'x', epsilon: 'soon' }, "'epsilon' must be an ISO 8601 duration"],
    [{ name: 'a', command: 'x', uris: ['u'], fetch: [{ uri: 'f' }] }, 'both uri (deprecated) and fetch'],
    [{ name: 'a', command: 'x', cronSchedule: 'not cron' }, 'Cannot parse cron expression'],
    ['[]', 'must be a JSON object'],
  ])('rejects %j', (body, message) => {
    expect(() => parseJob(body === '[]' ? [] : body, 'iso8601', undefined, now)).toThrow(JobValidationError);
    expect(() => parseJob(body === '[]' ? [] : body, 'iso8601', undefined, now)).toThrow(message);
  });

  it('needs parents for a dependency job, never itself', () => {
    expect(() => parseJob({ name: 'a', command: 'x' }, 'dependency', undefined, now)).toThrow("needs 'parents'");
    expect(() => parseJob({ name: 'a', command: 'x', parents: ['a'] }, 'dependency', undefined, now)).toThrow('cannot be its own parent');
    expect(parseJob({ name: 'a', command: 'x', parents: ['b', 'b', 'c'] }, 'dependency', undefined, now).parents).toEqual(['b', 'c']);
  });
});

describe('findCycle', () => {
  it('finds a cycle through parents, and none in a DAG', () => {
    const parents: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'], d: ['a'] };
    expect(findCycle((n) => parents[n], 'a')).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle((n) => ({ x: ['y'], y: [] as string[] })[n], 'x')).toBeUndefined();
  });
});

describe('parseJob refuses what Chronos cannot store or run', () => {
  const base = { command: 'x', schedule: 'R/2030-01-01T00:00:00Z/PT1H' };
  it.each([
    [{ ...base, name: '.' }, 'name is invalid'],
    [{ ...base, name: '..' }, 'name is invalid'],
    [{ ...base, name: 'a'.repeat(256) }, 'longer than 255'],
    [{ ...base, name: 'a', constraints: [['rack', 'FOO', 'x']] }, "operator 'FOO'"],
    [{ ...base, name: 'a', constraints: [['rack', 'LIKE', '(']] }, 'regular expression'],
    [{ ...base, name: 'a', constraints: [['rack', 'EQUALS']] }, '[attribute, operator, value]'],
    [{ ...base, name: 'a', fetch: [null] }, "'fetch[0]' must be an object"],
    [{ ...base, name: 'a', fetch: [{}] }, "'fetch[0].uri' is required"],
    [{ ...base, name: 'a', fetch: 'x' }, "'fetch' must be an array"],
    [{ ...base, name: 'a', fetch: [{ uri: 'u', output_file: '../../x' }] }, 'inside the sandbox'],
    [{ ...base, name: 'a', fetch: [{ uri: 'u', output_file: '/etc/x' }] }, 'inside the sandbox'],
    [{ ...base, name: 'a', environmentVariables: [null] }, "'environmentVariables[0]' must be an object"],
    [{ ...base, name: 'a', epsilon: 'P99999Y' }, 'epsilon'],
    [{ command: 'x', name: 'a', parents: ['.'] }, "parent '.'"],
  ])('%j', (body, message) => {
    const kind = (body as { parents?: unknown }).parents ? 'dependency' : 'iso8601';
    expect(() => parseJob(body, kind, undefined, now)).toThrow(message);
  });
  it('keeps valid fetches and names with dots', () => {
    const j = parseJob({ ...base, name: 'a.b-c_d', fetch: [{ uri: 'u', output_file: 'sub/f.txt' }] }, 'iso8601', undefined, now);
    expect(j.fetch[0]).toEqual({ uri: 'u', executable: false, cache: false, extract: true, output_file: 'sub/f.txt' });
  });
});
