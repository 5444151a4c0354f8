import type { TaskInfo__Output } from '@strata/proto';
import { WORK_DIR_ENV, taskEnv } from './task-env';

const info = (extra: Partial<TaskInfo__Output> = {}) =>
  ({
    taskId: { value: 't1' },
    resources: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: '31000', end: '31001' }] } }],
    command: { environment: { variables: [{ name: 'PORT0', value: 'mine' }, { name: 'APP', value: 'x' }] } },
    ...extra,
  }) as unknown as TaskInfo__Output;
const base = { frameworkId: 'fw', sandbox: '/sb', agentId: 'a1', workDir: '/wd', hostname: 'h1', agentEnv: { PATH: '/bin', LANG: 'C', SECRET: 'no' } };

describe('taskEnv', () => {
  it('gives a process task the agent\'s PATH and locale, Mesos\'s variables, its ports, and its own variables last', () => {
    const env = taskEnv({ ...base, info: info(), inImage: false });
    expect(env).toMatchObject({ PATH: '/bin', LANG: 'C', HOME: '/sb', MESOS_SANDBOX: '/sb', MESOS_TASK_ID: 't1', MESOS_FRAMEWORK_ID: 'fw', MESOS_AGENT_ID: 'a1', HOST: 'h1', PORT: '31000', PORT1: '31001', PORTS: '31000,31001', APP: 'x', [WORK_DIR_ENV]: '/wd' });
    expect(env.PORT0).toBe('mine');
    expect(env.SECRET).toBeUndefined();
  });

  it('gives a container task no PATH of the agent\'s (its image has one)', () => {
    const env = taskEnv({ ...base, info: info({ resources: [] }), inImage: true });
    expect(env.PATH).toBeUndefined();
    expect(env.PORTS).toBeUndefined();
  });

  it('falls back to a standard PATH when the agent has none', () => {
    expect(taskEnv({ ...base, agentEnv: {}, info: info(), inImage: false }).PATH).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  });
});
