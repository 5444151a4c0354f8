import { res } from '@strata/lib';
import type { Offer__Output } from '@strata/proto';
import { offerResources, taskInfo } from './builders';

const offer = {
  id: { value: 'o1' },
  agentId: { value: 's1' },
  allocationInfo: { role: 'web' },
  resources: res.toProto(res.parseResources('cpus:2;mem:512;ports:[31000-31005]'), 'web'),
} as unknown as Offer__Output;

describe('sdk builders', () => {
  it('reads an offer into resources', () => {
    expect(offerResources(offer)).toEqual(res.parseResources('cpus:2;mem:512;ports:[31000-31005]'));
  });

  it('builds a command task for the offer, in its role, with ports, env and kill grace', () => {
    const t = taskInfo(offer, { id: 't1', command: 'echo hi', cpus: 0.5, mem: 64, ports: [31001, 31003], env: { A: 'b' }, killGraceMs: 1500 });
    expect(t.taskId).toEqual({ value: 't1' });
    expect(t.agentId).toEqual({ value: 's1' });
    expect(res.fromProto(t.resources!)).toEqual(res.parseResources('cpus:0.5;mem:64;ports:[31001-31001,31003-31003]'));
    expect(t.resources!.every((r) => r.allocationInfo?.role === 'web')).toBe(true);
    expect(t.command).toMatchObject({ value: 'echo hi', shell: true, environment: { variables: [{ name: 'A', value: 'b' }] } });
    expect(t.killPolicy).toEqual({ gracePeriod: { nanoseconds: '1500000000' } });
  });
});
