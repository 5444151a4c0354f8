import { add, contains, intersect, formatResources, formatReservedResources, fromProto, isEmpty, parseReservedResources, parseResources, resources, splitByRole, subtract, toProto, toProtoReserved, ResourcesParseError } from './resources';

describe('parseResources (Mesos --resources syntax)', () => {
  it('parses scalars and ranges', () => {
    const r = parseResources('cpus:4;mem:8192;disk:100.5;ports:[31000-32000, 33000-33010]');
    expect(r.scalars).toEqual({ cpus: 4, mem: 8192, disk: 100.5 });
    expect(r.ranges.ports).toEqual([{ begin: 31000, end: 32000 }, { begin: 33000, end: 33010 }]);
  });

  it('accepts the * role and merges adjacent ranges', () => {
    const r = parseResources('cpus(*):2; ports:[10-20,21-30]');
    expect(r.scalars.cpus).toBe(2);
    expect(r.ranges.ports).toEqual([{ begin: 10, end: 30 }]);
  });

  it.each([
    ['cpus', 'is not name:value'],
    ['cpus:abc', 'is not a non-negative number'],
    ['cpus:-1', 'is not a non-negative number'],
    ['ports:[5-1]', 'is reversed'],
    ['ports:[1-2', "must end with ']'"],
    ['ports:[a-b]', 'is not a range'],
    ['cpus:1;cpus:2', 'is given twice'],
    ['9x:1', 'is not a valid resource name'],
    ['cpus(web):2', "reservations are only accepted in an agent's --resources"],
    ['disks:{a,b}', 'set values'],
  ])('rejects %s with a message that names the problem', (input, problem) => {
    expect(() => parseResources(input)).toThrow(ResourcesParseError);
    expect(() => parseResources(input)).toThrow(problem);
  });

  it('treats an empty string as no resources', () => {
    expect(isEmpty(parseResources('  '))).toBe(true);
  });
});

describe('resource arithmetic', () => {
  const a = parseResources('cpus:2;mem:1024;ports:[31000-31009]');
  const b = parseResources('cpus:0.5;mem:256;ports:[31002-31003]');

  it('subtracts scalars and punches holes in ranges', () => {
    const d = subtract(a, b);
    expect(d.scalars).toEqual({ cpus: 1.5, mem: 768 });
    expect(d.ranges.ports).toEqual([{ begin: 31000, end: 31001 }, { begin: 31004, end: 31009 }]);
  });

  it('add undoes subtract exactly, with no floating-point drift', () => {
    let r = a;
    for (let i = 0; i < 1000; i++) r = add(subtract(r, resources({ cpus: 0.1 })), resources({ cpus: 0.1 }));
    expect(r.scalars.cpus).toBe(2);
    expect(add(subtract(a, b), b)).toEqual(a);
  });

  it('contains checks every scalar and every range', () => {
    expect(contains(a, b)).toBe(true);
    expect(contains(b, a)).toBe(false);
    expect(contains(a, parseResources('ports:[31009-31010]'))).toBe(false);
    expect(contains(a, parseResources('gpus:1'))).toBe(false);
    expect(contains(a, resources())).toBe(true);
  });

  it('round-trips through protobuf and prints in Mesos text form', () => {
    expect(fromProto(toProto(a))).toEqual(a);
    expect(formatResources(a)).toBe('cpus:2;mem:1024;ports:[31000-31009]');
  });

  it('rejects negative or non-numeric protobuf scalars', () => {
    expect(() => fromProto([{ name: 'cpus', type: 'SCALAR', scalar: { value: -1 } }])).toThrow('non-negative');
    expect(() => fromProto([{ name: 'cpus', type: 'SCALAR', scalar: { value: NaN } }])).toThrow('non-negative');
    expect(() => fromProto([{ name: 'x', type: 'SET', set: { item: ['a'] } }])).toThrow('not supported');
  });
});

describe('static reservations (Mesos --resources with roles)', () => {
  it('splits unreserved and per-role reserved resources', () => {
    const r = parseReservedResources('cpus:4;mem:2048;cpus(web):2;mem(web):1024;ports(web):[8000-8010];cpus(batch/etl):1');
    expect(r.unreserved).toEqual(resources({ cpus: 4, mem: 2048 }));
    expect(r.reserved.get('web')).toEqual(resources({ cpus: 2, mem: 1024 }, { ports: [{ begin: 8000, end: 8010 }] }));
    expect(r.reserved.get('batch/etl')).toEqual(resources({ cpus: 1 }));
    expect(formatReservedResources(r)).toBe('cpus:4;mem:2048;cpus(web):2;mem(web):1024;ports(web):[8000-8010];cpus(batch/etl):1');
  });

  it('treats (*) as unreserved and refuses bad roles and duplicates within a role', () => {
    expect(parseReservedResources('cpus(*):2').reserved.size).toBe(0);
    expect(() => parseReservedResources('cpus(we b):2')).toThrow("'we b' is not a valid role");
    expect(() => parseReservedResources('cpus(..):2')).toThrow('is not a valid role');
    expect(() => parseReservedResources('cpus(web):2;cpus(web):3')).toThrow("'cpus(web)' is given twice");
    expect(parseReservedResources('cpus:1;cpus(web):3').reserved.get('web')).toEqual(resources({ cpus: 3 }));
  });

  it('round-trips reservations through protobuf (STATIC reservation info)', () => {
    const r = parseReservedResources('cpus:1;cpus(web):2;mem(web):512');
    const proto = [...toProto(r.unreserved), ...toProtoReserved(r.reserved.get('web')!, 'web')];
    expect(proto.find((x) => x.name === 'mem')).toMatchObject({ role: 'web', reservations: [{ type: 'STATIC', role: 'web' }] });
    const back = splitByRole(proto);
    expect(back.unreserved).toEqual(r.unreserved);
    expect(back.reserved.get('web')).toEqual(r.reserved.get('web'));
  });
});

describe('resource algebra against a slow reference (random bags)', () => {
  // The reference: every port as a number, every scalar in thousandths; what add/subtract/contains must agree with.
  const ports = (r: { ranges: Record<string, readonly { begin: number; end: number }[]> }) => {
    const set = new Set<number>();
    for (const x of r.ranges.ports ?? []) for (let p = x.begin; p <= x.end; p++) set.add(p);
    return set;
  };
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const bag = () => {
    const ranges = Array.from({ length: Math.floor(rand() * 4) }, () => {
      const begin = Math.floor(rand() * 60);
      return { begin, end: begin + Math.floor(rand() * 8) };
    });
    return resources({ cpus: Math.floor(rand() * 8) / 2, mem: rand() < 0.3 ? 0 : Math.floor(rand() * 1000) }, ranges.length ? { ports: ranges } : {});
  };

  it('add, subtract and contains agree with counting ports and summing scalars; ranges stay sorted and merged', () => {
    for (let i = 0; i < 500; i++) {
      const a = bag();
      const b = bag();
      const sum = add(a, b);
      expect(ports(sum)).toEqual(new Set([...ports(a), ...ports(b)]));
      expect(sum.scalars.cpus ?? 0).toBeCloseTo((a.scalars.cpus ?? 0) + (b.scalars.cpus ?? 0), 9);
      const diff = subtract(sum, b);
      expect(ports(diff)).toEqual(new Set([...ports(sum)].filter((p) => !ports(b).has(p))));
      expect(diff.scalars.mem ?? 0).toBeCloseTo(a.scalars.mem ?? 0, 9);
      expect(contains(sum, a)).toBe(true);
      expect(contains(a, sum)).toBe([...ports(sum)].every((p) => ports(a).has(p)) && (b.scalars.cpus ?? 0) === 0 && (b.scalars.mem ?? 0) === 0);
      for (const r of [sum, diff]) {
        const list = r.ranges.ports ?? [];
        for (let j = 1; j < list.length; j++) expect(list[j]!.begin).toBeGreaterThan(list[j - 1]!.end + 1);
        expect(list.length === 0).toBe(r.ranges.ports === undefined);
      }
    }
  });

  it('never changes its operands (values are shared, so they must stay immutable)', () => {
    const a = resources({ cpus: 2 }, { ports: [{ begin: 10, end: 20 }] });
    const b = resources({ cpus: 1 }, { ports: [{ begin: 21, end: 25 }] });
    const before = JSON.stringify([a, b]);
    subtract(add(a, b), b);
    add(a, a);
    expect(JSON.stringify([a, b])).toBe(before);
  });
});

describe('intersect', () => {
  it('keeps the smaller of each scalar and the overlap of each range set', () => {
    const a = parseResources('cpus:2;mem:512;ports:[31000-31010,32000-32005]');
    const b = parseResources('cpus:3;disk:10;ports:[31005-32002]');
    const both = intersect(a, b);
    expect(both.scalars).toEqual({ cpus: 2 });
    expect(both.ranges.ports).toEqual([{ begin: 31005, end: 31010 }, { begin: 32000, end: 32002 }]);
  });

  it('is empty when nothing is shared', () => {
    expect(isEmpty(intersect(parseResources('cpus:1'), parseResources('mem:1')))).toBe(true);
  });
});
