import { chronosTaskInfo } from '../launch/task-info';
import { res } from '@strata/lib';
import { parseJob, JobValidationError } from './job';
import { jobSecretScopeProblem } from './job-secrets';

const now = Date.parse('2026-11-24T12:00:00Z');
const job = (extra: Record<string, unknown>, name = 'team.etl.nightly') => parseJob({ name, command: 'x', schedule: 'R/2026-11-25T02:00:00Z/P1D', ...extra }, 'iso8601', undefined, now);

describe('job secrets', () => {
  it('keeps references and the secrets they name; no value is in the job', () => {
    const j = job({ environmentVariables: [{ name: 'A', value: 'b' }, { name: 'PW', secret: 'pw' }], secrets: { pw: { source: 'team/etl/pw' } } });
    expect(j.environmentVariables).toEqual([{ name: 'A', value: 'b' }, { name: 'PW', secret: 'pw' }]);
    expect(j.secrets).toEqual({ pw: { source: 'team/etl/pw' } });
  });

  it.each([
    [{ environmentVariables: [{ name: 'PW', secret: 'nope' }] }, /references an undefined secret named 'nope'/],
    [{ secrets: { s: { source: 'k' } }, container: { volumes: [{ containerPath: 'f', secret: 'other' }] } }, /container.volumes\[0\]' references an undefined secret/],
    [{ secrets: { s: { source: 'k' } }, container: { volumes: [{ containerPath: '/etc/x', secret: 's' }] } }, /inside the sandbox/],
    [{ secrets: { s: { source: 'a//b' } } }, /secret path/],
    [{ secrets: { s: { source: 'other/pw' } } }, /only for jobs named other\.\*/],
    [{ secrets: { s: 'pw' } }, /secrets.s.source' must be a string/],
    [{ secrets: [] }, /must be an object/],
  ])('refuses %j with a 400', (extra, message) => {
    expect(() => job(extra)).toThrow(JobValidationError);
    expect(() => job(extra)).toThrow(message);
  });

  it("scopes by Chronos's dotted names", () => {
    expect(jobSecretScopeProblem('pw', 'anything')).toBeUndefined();
    expect(jobSecretScopeProblem('team/etl/pw', 'team.etl.nightly')).toBeUndefined();
    expect(jobSecretScopeProblem('team/pw', 'team.etl.nightly')).toBeUndefined();
    expect(jobSecretScopeProblem('team/etl/pw', 'team.web')).toBe("the secret 'team/etl/pw' is only for jobs named team.etl.*");
  });

  it('a run carries SECRET references, and secret files in a MESOS container', () => {
    const j = job({ environmentVariables: [{ name: 'PW', secret: 'pw' }], secrets: { pw: { source: '/team/pw' }, key: { source: 'key' } }, container: { volumes: [{ containerPath: 'k.pem', secret: 'key' }] } });
    const t = chronosTaskInfo(j, { id: 'ct:1:0:team.etl.nightly', due: now, attempt: 0, agentId: 'S1' } as never, 'h', '*', res.resources({ cpus: 0.1, mem: 32 }));
    expect(t.command!.environment!.variables!.find((v) => v.name === 'PW')).toEqual({ name: 'PW', type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: 'team/pw' } } });
    expect(t.container).toEqual({ type: 'MESOS', volumes: [{ containerPath: 'k.pem', mode: 'RO', source: { type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: 'key' } } } }] });
  });
});
