import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS, PROTO_FILES, PROTO_ROOT, isTerminalState, loadStrata } from './index';

describe('the proto contract', () => {
  it('loads every service the kernel serves', () => {
    const p = loadStrata();
    expect(Object.keys(p.strata.v1.Scheduler.service)).toEqual(['Subscribe']);
    expect(Object.keys(p.strata.internal.v1.AgentService.service).sort()).toEqual(['Connect', 'Register', 'Reregister']);
    expect(p.strata.v1.Scheduler.service.Subscribe.requestStream).toBe(true);
    expect(p.strata.v1.Scheduler.service.Subscribe.responseStream).toBe(true);
  });

  it('round-trips a TaskStatus with the loader options the generated types describe', () => {
    const def = protoLoader.loadSync(PROTO_FILES, { ...LOADER_OPTIONS, includeDirs: [PROTO_ROOT] });
    const svc = def['strata.v1.Scheduler'] as protoLoader.ServiceDefinition;
    const { requestSerialize } = svc.Subscribe!;
    const { responseSerialize, responseDeserialize } = svc.Subscribe!;
    const event = {
      type: 'UPDATE',
      update: { status: { taskId: { value: 't1' }, state: 'TASK_FAILED', reason: 'REASON_CONTAINER_LIMITATION_MEMORY', exitCode: 137, uuid: Buffer.from('abcd'), timestamp: 1.5 } },
    };
    const back = responseDeserialize(responseSerialize(event)) as { type: string; update: { status: Record<string, unknown> } };
    expect(back.type).toBe('UPDATE');
    expect(back.update.status).toMatchObject({ state: 'TASK_FAILED', reason: 'REASON_CONTAINER_LIMITATION_MEMORY', exitCode: 137, timestamp: 1.5, message: '' });
    expect(Buffer.from(back.update.status.uuid as Buffer).toString()).toBe('abcd');
    // proto3 `optional`: an unset reason stays unset instead of becoming enum value 0
    const noReason = responseDeserialize(responseSerialize({ type: 'UPDATE', update: { status: { state: 'TASK_RUNNING' } } })) as { update: { status: Record<string, unknown> } };
    expect(noReason.update.status.reason).toBeUndefined();
    expect(requestSerialize({ type: 'SUBSCRIBE' }).length).toBeGreaterThan(0);
  });

  it('knows which task states are terminal', () => {
    expect(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE'].every(isTerminalState)).toBe(true);
    expect(['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_UNREACHABLE'].some(isTerminalState)).toBe(false);
  });
});
