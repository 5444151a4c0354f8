import { res } from '@strata/lib';
import { tmpDir } from '@strata/lib/testing';
import { agentResources, detectResources } from './detect';

describe('agent resources', () => {
  const dir = tmpDir();
  afterAll(() => dir.remove());

  it('detects cpus, memory, disk and the default port range', () => {
    const r = detectResources(dir.path);
    expect(r.scalars.cpus).toBeGreaterThanOrEqual(1);
    expect(r.scalars.mem).toBeGreaterThan(0);
    expect(r.scalars.disk).toBeGreaterThan(0);
    expect(r.ranges.ports).toEqual([{ begin: 31000, end: 32000 }]);
  });

  it('lets --resources replace what it names and keeps detection for the rest', () => {
    const r = agentResources(dir.path, 'cpus:3;ports:[40000-40010]').unreserved;
    expect(r.scalars.cpus).toBe(3);
    expect(r.scalars.mem).toBe(detectResources(dir.path).scalars.mem);
    expect(r.ranges.ports).toEqual([{ begin: 40000, end: 40010 }]);
  });

  it('takes role-tagged entries as static reservations; a name reserved anywhere is not detected', () => {
    const r = agentResources(dir.path, 'cpus(web):2;mem(web):512;mem:1024');
    expect(r.reserved.get('web')).toEqual(res.resources({ cpus: 2, mem: 512 }));
    expect(r.unreserved.scalars.cpus).toBeUndefined();
    expect(r.unreserved.scalars.mem).toBe(1024);
    expect(r.unreserved.scalars.disk).toBe(detectResources(dir.path).scalars.disk);
  });

  it('rejects a malformed --resources string', () => {
    expect(() => agentResources(dir.path, 'cpus:lots')).toThrow("malformed resources 'cpus:lots'");
  });
});
