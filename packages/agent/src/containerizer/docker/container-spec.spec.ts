import { parseResources } from '@strata/lib';
import type { TaskInfo__Output } from '@strata/proto';
import { containerSpec, ContainerSpecError } from './container-spec';

const task = (extra: Record<string, unknown> = {}, docker: Record<string, unknown> = {}, command: Record<string, unknown> | null = { value: 'echo hi', shell: true, arguments: [] }): TaskInfo__Output =>
  ({
    taskId: { value: 't1' },
    labels: { labels: [{ key: 'team', value: 'web' }] },
    command,
    container: { type: 'DOCKER', volumes: [], hostname: '', docker: { image: 'busybox:1', network: 'HOST', portMappings: [], privileged: false, parameters: [], forcePullImage: false, ...docker } },
    ...extra,
  }) as unknown as TaskInfo__Output;

const build = (t: TaskInfo__Output, resources = 'cpus:0.5;mem:64;ports:[31000-31002]') =>
  containerSpec({ name: 'strata-k-fw.t1', agentKey: 'k', agentId: 'S1', frameworkId: 'fw', taskId: 't1', containerId: 'fw.t1', task: t, resources: parseResources(resources), env: { PORT0: '31000' }, sandbox: '/sb/fw/t1' });

describe('containerSpec', () => {
  it('maps resources to cpu shares and memory, mounts the sandbox, labels the container', () => {
    const s = build(task());
    expect(s.Image).toBe('busybox:1');
    expect(s.Cmd).toEqual(['/bin/sh', '-c', 'echo hi']);
    expect(s.HostConfig).toMatchObject({ NetworkMode: 'host', CpuShares: 512, Memory: 64 << 20, MemorySwap: 64 << 20, Binds: ['/sb/fw/t1:/mnt/mesos/sandbox:rw'] });
    expect(s.Labels).toEqual({ team: 'web', 'strata.agent': 'k', 'strata.agent_id': 'S1', 'strata.framework_id': 'fw', 'strata.task_id': 't1', 'strata.container_id': 'fw.t1' });
    expect(s.Env).toEqual(expect.arrayContaining(['PORT0=31000', 'MESOS_SANDBOX=/mnt/mesos/sandbox']));
  });

  it('runs as the task user by uid:gid when the agent switches users, as the image otherwise', () => {
    expect(build(task()).User).toBeUndefined();
    const s = containerSpec({ name: 'n', agentKey: 'k', agentId: 'S1', frameworkId: 'fw', taskId: 't1', containerId: 'fw.t1', task: task(), resources: parseResources('cpus:1;mem:32'), env: {}, sandbox: '/sb', user: { uid: 65534, gid: 65534 } });
    expect(s.User).toBe('65534:65534');
  });

  it("runs the image's own command when none is given, and passes args to its entrypoint when shell is off", () => {
    expect(build(task({}, {}, null)).Cmd).toBeUndefined();
    expect(build(task({}, {}, { value: '', shell: false, arguments: ['--port', '80'] })).Cmd).toEqual(['--port', '80']);
  });

  it('maps BRIDGE port mappings from offered host ports to container ports', () => {
    const s = build(task({}, { network: 'BRIDGE', portMappings: [{ hostPort: 31001, containerPort: 80, protocol: '' }] }));
    expect(s.HostConfig?.NetworkMode).toBe('bridge');
    expect(s.HostConfig?.PortBindings).toEqual({ '80/tcp': [{ HostPort: '31001' }] });
    expect(s.ExposedPorts).toEqual({ '80/tcp': {} });
  });

  it('adds volumes as binds with their mode', () => {
    const s = build(task({ container: { type: 'DOCKER', hostname: '', volumes: [{ hostPath: '/data', containerPath: '/d', mode: 'RO' }, { hostPath: '/w', containerPath: '/w', mode: 'RW' }], docker: { image: 'b', network: 'HOST', portMappings: [] } } }));
    expect(s.HostConfig?.Binds).toEqual(['/sb/fw/t1:/mnt/mesos/sandbox:rw', '/data:/d:ro', '/w:/w:rw']);
  });

  it.each([
    [{}, { image: '' }, 'needs container.docker.image'],
    [{}, { network: 'HOST', portMappings: [{ hostPort: 31000, containerPort: 80 }] }, 'port_mappings need BRIDGE'],
    [{}, { network: 'BRIDGE', portMappings: [{ hostPort: 40000, containerPort: 80 }] }, 'not among the task'],
    [{}, { network: 'USER' }, 'USER networks are not supported'],
  ])('refuses what the engine cannot be asked to do (%#)', (extra, docker, message) => {
    expect(() => build(task(extra, docker))).toThrow(ContainerSpecError);
    expect(() => build(task(extra, docker))).toThrow(message);
  });
});
