import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS, PROTO_FILES, PROTO_ROOT, STATUS_UPDATE_ACK_BATCH, STATUS_UPDATE_BATCH, isTerminalState, loadStrata, statusUpdateAcksOf, statusUpdatesOf } from './index';

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

describe('the agent channel batches', () => {
  it('carries several status updates (or acks) in one message, in order, and a lone one as itself', () => {
    const svc = loadStrata().strata.internal.v1.AgentService.service.Connect;
    const update = (id: string) => ({ frameworkId: { value: 'fw' }, status: { taskId: { value: id }, state: 'TASK_RUNNING' as const, uuid: Buffer.from(id) } });
    const batch = svc.requestDeserialize(svc.requestSerialize(STATUS_UPDATE_BATCH.many([update('a'), update('b')])));
    expect(statusUpdatesOf(batch).map((u) => u.status?.taskId?.value)).toEqual(['a', 'b']);
    const one = svc.requestDeserialize(svc.requestSerialize({ statusUpdate: update('c') }));
    expect(statusUpdatesOf(one).map((u) => u.status?.taskId?.value)).toEqual(['c']);
    expect(statusUpdatesOf(svc.requestDeserialize(svc.requestSerialize({ heartbeat: { sentAt: 1 } })))).toEqual([]);
    expect(STATUS_UPDATE_BATCH.pick({ statusUpdate: update('d') })?.status?.taskId?.value).toBe('d');
    expect(STATUS_UPDATE_BATCH.pick({ heartbeat: { sentAt: 1 } })).toBeUndefined();

    const ack = (id: string) => ({ frameworkId: { value: 'fw' }, taskId: { value: id }, uuid: Buffer.from(id) });
    const acks = svc.responseDeserialize(svc.responseSerialize(STATUS_UPDATE_ACK_BATCH.many([ack('a'), ack('b'), ack('c')])));
    expect(statusUpdateAcksOf(acks).map((a) => a.taskId?.value)).toEqual(['a', 'b', 'c']);
    expect(statusUpdateAcksOf(svc.responseDeserialize(svc.responseSerialize({ statusUpdateAck: ack('d') })))).toHaveLength(1);
    expect(STATUS_UPDATE_ACK_BATCH.pick({ killTask: {} })).toBeUndefined();
  });
});
