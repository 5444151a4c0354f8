import type { TaskInfo__Output } from '@strata/proto';
import { secretFilePaths, takeSecrets } from './task-secrets';
import { taskEnv } from './task-env';

const value = (data: string, name: string) => ({ type: 'VALUE' as const, reference: { name, key: '' }, value: { data: Buffer.from(data) } });
const launch = (containerPath = 'creds/key'): TaskInfo__Output =>
  ({
    name: 't',
    taskId: { value: 't1' },
    resources: [],
    command: { value: 'env', uris: [], environment: { variables: [{ name: 'PLAIN', type: 'VALUE', value: 'x', secret: null }, { name: 'DB', type: 'SECRET', value: '', secret: value('s3cret', 'team/db') }] } },
    container: { type: 'MESOS', volumes: [{ containerPath, hostPath: '', mode: 'RO', source: { type: 'SECRET', secret: value('k3y', 'team/key') } }] },
  }) as unknown as TaskInfo__Output;

describe('takeSecrets', () => {
  it('takes the values out: the kept task names its secrets and holds none', () => {
    const s = takeSecrets(launch());
    expect(s.env).toEqual({ DB: 's3cret' });
    expect(s.files.map((f) => [f.path, f.content.toString()])).toEqual([['creds/key', 'k3y']]);
    expect(s.problem).toBeUndefined();
    const kept = JSON.stringify(s.redacted);
    expect(kept).not.toContain(Buffer.from('s3cret').toString('base64'));
    expect(kept).not.toContain('s3cret');
    expect(s.redacted.command!.environment!.variables[1]!.secret!.reference!.name).toBe('team/db');
    expect(secretFilePaths(s.redacted)).toEqual(['creds/key']);
  });

  it('the environment built from the kept task has no secret variable, not even empty', () => {
    const env = taskEnv({ frameworkId: 'fw', info: takeSecrets(launch()).redacted, sandbox: '/sb', agentId: 'a', workDir: '/w', hostname: 'h', agentEnv: {}, inImage: false });
    expect(env.PLAIN).toBe('x');
    expect('DB' in env).toBe(false);
  });

  it.each(['/etc/passwd', '../../x', ''])('a secret file at %j is a problem, not a write', (p) => {
    expect(takeSecrets(launch(p)).problem).toMatch(/container_path/);
  });

  it('a task without secrets is returned as it is', () => {
    const t = launch();
    t.command!.environment!.variables = t.command!.environment!.variables.slice(0, 1);
    t.container = null;
    expect(takeSecrets(t).redacted).toBe(t);
  });
});
