import { parseResources as r } from '@strata/lib/resources';
import { DynamicReservations } from './dynamic-reservations';

describe('DynamicReservations', () => {
  it('adds, removes, stores and loads per agent and role', () => {
    const d = new DynamicReservations();
    d.add('s1', 'web', r('cpus:2;mem:256'));
    d.add('s1', 'web', r('cpus:1'));
    d.add('s1', 'db', r('mem:512'));
    d.remove('s1', 'db', r('mem:512'));
    expect(d.record('s1')).toEqual({ web: { cpus: 3, mem: 256 } });
    const again = new DynamicReservations();
    again.load('s1', d.record('s1'));
    expect(again.role('s1', 'web')).toEqual(r('cpus:3;mem:256'));
    expect(again.of('s2').size).toBe(0);
  });

  it('lays reservations over what the agent advertises, and drops those that no longer fit', () => {
    const d = new DynamicReservations();
    d.add('s1', 'web', r('cpus:2'));
    d.add('s1', 'db', r('cpus:8'));
    const shape = d.overlay('s1', r('cpus:4;mem:1024'), new Map([['web', r('cpus:1')]]));
    expect(shape.unreserved).toEqual(r('cpus:2;mem:1024'));
    expect(shape.reserved.get('web')).toEqual(r('cpus:3'));
    expect(shape.dropped).toEqual(['db']);
    expect(d.record('s1')).toEqual({ web: { cpus: 2 } });
  });
});
