import type { TaskInfo__Output } from '@strata/proto';
import { secretReferences, unresolvable, withSecretValues } from './resolve';

const ref = (name: string) => ({ type: 'REFERENCE' as const, reference: { name, key: '' }, value: null });
const task = (): TaskInfo__Output =>
  ({
    name: 't',
    taskId: { value: 't1' },
    command: {
      value: 'env',
      environment: {
        variables: [
          { name: 'PLAIN', type: 'VALUE', value: 'x', secret: null },
          { name: 'DB', type: 'SECRET', value: '', secret: ref('/team/db') },
        ],
      },
    },
    container: { type: 'MESOS', volumes: [{ containerPath: 'creds/key', hostPath: '', mode: 'RO', source: { type: 'SECRET', secret: ref('team/key') } }] },
  }) as unknown as TaskInfo__Output;

describe('secret references in a task', () => {
  const store: Record<string, string> = { 'team/db': 's3cret', 'team/key': 'k3y' };

  it('lists each reference once, without the leading slash', () => {
    expect(secretReferences(task())).toEqual(['team/db', 'team/key']);
  });

  it('names the secrets that do not exist', () => {
    expect(unresolvable(task(), (p) => p in store)).toBeUndefined();
    expect(unresolvable(task(), (p) => p === 'team/db')).toBe("Secret 'team/key' not found");
    expect(unresolvable(task(), () => false)).toBe("Secrets 'team/db', 'team/key' not found");
  });

  it('a reference without a name is refused', () => {
    const t = task();
    t.command!.environment!.variables[1]!.secret!.reference!.name = '';
    expect(unresolvable(t, () => true)).toMatch(/must name a secret/);
  });

  it('resolves into a copy: the task the master keeps holds references only', () => {
    const original = task();
    const before = JSON.stringify(original);
    const sent = withSecretValues(original, (p) => store[p]);
    expect(JSON.stringify(original)).toBe(before);
    expect(JSON.stringify(original)).not.toContain('s3cret');
    const db = sent.command!.environment!.variables.find((v) => v.name === 'DB')!;
    expect(db.secret!.type).toBe('VALUE');
    expect(Buffer.from(db.secret!.value!.data).toString()).toBe('s3cret');
    expect(Buffer.from(sent.container!.volumes[0]!.source!.secret!.value!.data).toString()).toBe('k3y');
    expect(sent.command!.environment!.variables[0]).toBe(original.command!.environment!.variables[0]);
  });

  it('a task without secrets is not copied', () => {
    const t = task();
    t.command!.environment!.variables = t.command!.environment!.variables.slice(0, 1);
    t.container = null;
    expect(withSecretValues(t, () => undefined)).toBe(t);
  });
});
