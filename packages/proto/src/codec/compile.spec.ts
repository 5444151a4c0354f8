import * as protobuf from 'protobufjs';
import { LOADER_OPTIONS, loadProtoRoot } from '../loader';
import { CodecCompiler } from './compile';

/**
 * The compiled codecs must be indistinguishable from what proto-loader does (protobufjs's
 * fromObject + encode, decode + toObject with the loader's options): same bytes out, same objects
 * in, for every message type, over random messages.
 */
const root = loadProtoRoot();
const allTypes: protobuf.Type[] = [];
const collect = (ns: protobuf.NamespaceBase) => {
  for (const o of ns.nestedArray) {
    if (o instanceof protobuf.Type) allTypes.push(o);
    if (o instanceof protobuf.Namespace || o instanceof protobuf.Type) collect(o);
  }
};
collect(root);

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LONGS = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function randomScalar(type: string, r: () => number): unknown {
  const small = Math.floor(r() * 1000);
  switch (type) {
    case 'string': return r() < 0.2 ? '' : `s${small}-\u00e9\u4e2d`.slice(0, 1 + (small % 9));
    case 'bool': return r() < 0.5;
    case 'double': return r() < 0.2 ? 0 : (r() - 0.5) * 1e6;
    case 'float': return Math.fround(r() * 100);
    case 'int32': case 'sint32': case 'sfixed32': return small - 500;
    case 'uint32': case 'fixed32': return small;
    case 'bytes': return Buffer.from(Array.from({ length: small % 5 }, (_, i) => (small + i) & 255));
    default:
      if (type === 'uint64' || type === 'fixed64') return String(r() < 0.3 ? small : Math.floor(r() * 2 ** 52));
      if (LONGS.has(type)) return String(r() < 0.3 ? small - 500 : Math.floor((r() - 0.5) * 2 ** 52));
      throw new Error(`no generator for ${type}`);
  }
}

function randomValue(f: protobuf.Field, r: () => number, depth: number): unknown {
  if (f.resolvedType instanceof protobuf.Type) return randomMessage(f.resolvedType, r, depth + 1);
  if (f.resolvedType instanceof protobuf.Enum) {
    const names = Object.keys(f.resolvedType.values);
    return r() < 0.1 ? f.resolvedType.values[names[0]!] : names[Math.floor(r() * names.length)];
  }
  return randomScalar(f.type, r);
}

function randomMessage(type: protobuf.Type, r: () => number, depth = 0): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  if (depth > 4) return m;
  const oneofChosen = new Map<string, string>();
  for (const o of type.oneofsArray) {
    const pick = o.fieldsArray[Math.floor(r() * (o.fieldsArray.length + 1))];
    if (pick) oneofChosen.set(o.name, pick.name);
  }
  for (const f of type.fieldsArray) {
    if (f.partOf) {
      if (oneofChosen.get(f.partOf.name) !== f.name) continue;
    } else if (r() < 0.3) continue;
    if (f.map) {
      const entries = Math.floor(r() * 3);
      m[f.name] = Object.fromEntries(Array.from({ length: entries }, (_, i) => [`k${i}`, randomValue(f, r, depth)]));
    } else if (f.repeated) {
      m[f.name] = Array.from({ length: Math.floor(r() * 4) }, () => randomValue(f, r, depth));
    } else {
      m[f.name] = randomValue(f, r, depth);
    }
  }
  return m;
}

describe('compiled codecs', () => {
  const compiler = new CodecCompiler();

  it('cover every message type of the kernel protos', () => {
    expect(allTypes.length).toBeGreaterThan(60);
    expect(allTypes.map((t) => t.fullName)).toEqual(expect.arrayContaining(['.strata.v1.Call', '.strata.v1.Event', '.strata.internal.v1.MasterMessage', '.strata.v1.TaskInfo']));
  });

  it.each(allTypes.map((t) => [t.fullName, t] as const))('%s: same bytes and same objects as proto-loader over random messages', (_name, type) => {
    type.setup();
    const codec = compiler.codec(type);
    const r = rng(type.fullName.length * 7919 + type.fieldsArray.length);
    for (let i = 0; i < 150; i++) {
      const msg = randomMessage(type, r);
      const theirs = type.encode(type.fromObject(msg)).finish();
      const ours = codec.encode(msg);
      expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(theirs).toString('hex'));
      expect(codec.decode(theirs)).toEqual(type.toObject(type.decode(theirs), LOADER_OPTIONS));
    }
  });

  it('decodes what an older or newer peer sent: unknown fields are skipped, packed and unpacked repeats both read', () => {
    const t = root.lookupType('strata.v1.TaskID');
    const w = protobuf.Writer.create();
    w.uint32((99 << 3) | 2).string('from the future');
    w.uint32((1 << 3) | 2).string('t1');
    w.uint32((98 << 3) | 0).uint32(7);
    expect(compiler.codec(t).decode(w.finish())).toEqual({ value: 't1' });
  });

  it('coerces loosely typed values as protobufjs does (a number for a string, a numeric string for a double)', () => {
    const type = root.lookupType('strata.v1.TaskStatus');
    const loose = { message: 42, timestamp: '1.5', healthy: 1, state: 1, taskId: { value: 7 } };
    expect(Buffer.from(compiler.codec(type).encode(loose)).toString('hex')).toBe(Buffer.from(type.encode(type.fromObject(loose)).finish()).toString('hex'));
    const port = root.lookupType('strata.v1.Value.Range');
    expect(Buffer.from(compiler.codec(port).encode({ begin: 31000, end: '32000' })).toString('hex')).toBe(Buffer.from(port.encode(port.fromObject({ begin: 31000, end: '32000' })).finish()).toString('hex'));
  });

  it('refuses what proto-loader refuses: a scalar where a message or a list belongs', () => {
    const codec = compiler.codec(root.lookupType('strata.v1.TaskInfo'));
    expect(() => codec.encode({ taskId: 'not-an-object' })).toThrow(/taskId: object expected/);
    expect(() => codec.encode({ resources: { name: 'cpus' } })).toThrow(/resources: array expected/);
  });

  it('fills defaults as the loader does: enums by their first name, longs as "0", bytes empty, messages null, oneofs unset', () => {
    const status = compiler.codec(root.lookupType('strata.v1.TaskStatus')).decode(new Uint8Array(0)) as Record<string, unknown>;
    expect(status).toMatchObject({ state: 'TASK_STAGING', source: 'SOURCE_MASTER', message: '', taskId: null, timestamp: 0 });
    expect(Buffer.isBuffer(status.uuid) && (status.uuid as Buffer).length).toBe(0);
    expect(status.reason).toBeUndefined();
    expect(status._reason).toBeUndefined();
    const range = compiler.codec(root.lookupType('strata.v1.Value.Range')).decode(new Uint8Array(0));
    expect(range).toEqual({ begin: '0', end: '0' });
  });

  it('gives every absent bytes field one frozen empty buffer, and a present one its own bytes', () => {
    const codec = compiler.codec(root.lookupType('strata.v1.TaskStatus'));
    const a = codec.decode(new Uint8Array(0)) as { uuid: Buffer; data: Buffer };
    const b = codec.decode(codec.encode({ state: 'TASK_RUNNING' })) as { uuid: Buffer; data: Buffer };
    expect(a.uuid).toBe(b.uuid);
    expect(a.uuid).toBe(a.data);
    expect(Object.isFrozen(a.uuid)).toBe(true);
    expect(() => {
      'use strict';
      (a.uuid as unknown as Record<string, number>).x = 1;
    }).toThrow(TypeError);
    const c = codec.decode(codec.encode({ uuid: Buffer.from('abc') })) as { uuid: Buffer };
    expect(c.uuid.toString()).toBe('abc');
    expect(a.uuid.length).toBe(0);
  });
});
