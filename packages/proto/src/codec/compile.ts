import * as protobuf from 'protobufjs';

/**
 * Encoders and decoders compiled from the protobufjs reflection of our .proto files, working on
 * the plain objects the rest of Strata uses (the loader's shape: camelCase fields, enums as names,
 * 64-bit integers as strings, defaults filled, oneof case names).
 *
 * Why not proto-loader's: it converts every message twice, object -> protobufjs message ->
 * bytes on the way out and bytes -> message -> object on the way in, and the intermediate
 * messages are garbage at once. On the master's hot path (launches, offers, status updates at
 * thousands a second) that was a fifth of its time. These go straight between object and bytes
 * (encoding sizes the message, then writes it into one buffer; decoding reads with protobufjs's
 * Reader); the result is byte for byte and field for field what proto-loader gives (a property
 * test over every message type holds them to it).
 */
export interface MessageCodec {
  encode(message: object): Buffer;
  decode(bytes: Uint8Array): unknown;
}

/** Size pass: the message's encoded length; records each nested length in L, in write order. */
type Sizer = (m: Record<string, unknown>, L: Lengths) => number;
/** Put pass: writes at p, taking the lengths from L as it goes; returns the end. */
type Putter = (m: Record<string, unknown>, b: Buffer, p: number, L: Lengths) => number;
/**
 * The lengths of nested messages and of strings (UTF-8 bytes, counted once), which the size pass
 * writes at a[n++] in the order the put pass reads them at a[i++]. A slot is
 * written (0) as soon as it is reserved: filling it only after its children would write past the
 * end of the array, and V8 turns an array written with gaps into a slow dictionary for good.
 */
interface Lengths {
  a: number[];
  n: number;
  i: number;
}
/** One for every encode: encoding is synchronous, and the array keeps its capacity between calls. */
const LENGTHS: Lengths = { a: new Array<number>(1024).fill(0), n: 0, i: 0 };
type Decoder = (r: protobuf.Reader, length?: number) => Record<string, unknown>;
/**
 * An absent bytes field decodes to this one empty buffer, frozen (no element can be written to
 * it, no property added). A fresh Buffer.alloc(0) for each was a typed array and an ArrayBuffer
 * the GC tracks: a reregistration storm decodes 400,000 TaskInfos, each with `data` unset, and
 * the shared one took a tenth off the new leader's time and 80 MB off its heap.
 */
const DECODE_RUNTIME = { empty: Object.freeze(Buffer.alloc(0)) };

/** The wire type of each scalar, and the Writer/Reader method of the same name. */
const WIRE: Record<string, number> = {
  double: 1, float: 5, int32: 0, uint32: 0, sint32: 0, fixed32: 5, sfixed32: 5,
  int64: 0, uint64: 0, sint64: 0, fixed64: 1, sfixed64: 1, bool: 0, string: 2, bytes: 2,
};
const LONG = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
/** Length of a uint32 as a varint. */
function vlen(n: number): number {
  return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : n < 268435456 ? 4 : 5;
}

/** Byte length of a string as UTF-8 (surrogate pairs: 4 bytes; a lone surrogate: 3, as protobufjs). */
function slen(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if ((c & 0xfc00) === 0xd800 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const f64 = new Float64Array(1);
const f32 = new Float32Array(1);
const f64b = new Uint8Array(f64.buffer);
const f32b = new Uint8Array(f32.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LongBits = (protobuf.util as unknown as { LongBits: { from(v: unknown): LongBitsValue; fromNumber(v: number): LongBitsValue } }).LongBits;
interface LongBitsValue {
  lo: number;
  hi: number;
  length(): number;
}

/** What the compiled code calls: varints, strings, doubles and 64-bit values, written in place. */
const RUNTIME = {
  vlen,
  slen,
  ilen: (n: number) => (n < 0 ? 10 : vlen(n)),
  putV(b: Buffer, p: number, n: number): number {
    n >>>= 0;
    while (n > 127) {
      b[p++] = (n & 127) | 128;
      n >>>= 7;
    }
    b[p++] = n;
    return p;
  },
  /** int32: a negative value is sign-extended to ten bytes, as the wire format says. */
  putI(b: Buffer, p: number, n: number): number {
    return n >= 0 ? RUNTIME.putV(b, p, n) : RUNTIME.putL(b, p, LongBits.fromNumber(n));
  },
  putS(b: Buffer, p: number, s: string): number {
    if (s.length < 48) {
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) return p + b.write(s.slice(i), p, 'utf8');
        b[p++] = c;
      }
      return p;
    }
    return p + b.write(s, p, 'utf8');
  },
  putD(b: Buffer, p: number, v: number): number {
    if (!LITTLE_ENDIAN) return b.writeDoubleLE(v, p);
    f64[0] = v;
    for (let i = 0; i < 8; i++) b[p + i] = f64b[i]!;
    return p + 8;
  },
  putF(b: Buffer, p: number, v: number): number {
    if (!LITTLE_ENDIAN) return b.writeFloatLE(v, p);
    f32[0] = v;
    for (let i = 0; i < 4; i++) b[p + i] = f32b[i]!;
    return p + 4;
  },
  /** A 64-bit value from a number, a decimal string (the loader's form) or a Long. */
  long(v: unknown): LongBitsValue {
    if (typeof v === 'number') return LongBits.fromNumber(v);
    if (typeof v === 'string') {
      const x = Number(v);
      if (Number.isSafeInteger(x) && String(x) === v) return LongBits.fromNumber(x);
    }
    return LongBits.from(v);
  },
  putL(b: Buffer, p: number, bits: LongBitsValue): number {
    let lo = bits.lo >>> 0;
    let hi = bits.hi >>> 0;
    while (hi) {
      b[p++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    return RUNTIME.putV(b, p, lo);
  },
  /** Bytes as protobufjs takes them: a base64 string, or anything array-like. */
  bytes: (v: string | Uint8Array | number[]): Uint8Array => (typeof v === 'string' ? Buffer.from(v, 'base64') : v instanceof Uint8Array ? v : Uint8Array.from(v)),
};

export class CodecCompiler {
  private readonly index = new Map<protobuf.Type, number>();
  /** Per enum, name -> number and number -> name: shared with the compiled code, which indexes them. */
  private readonly enumValues: Record<string, number>[] = [];
  private readonly enumNames: Record<number, string>[] = [];
  private readonly enumIndex = new Map<protobuf.Enum, number>();
  private readonly sizers: Sizer[] = [];
  private readonly putters: Putter[] = [];
  private readonly decoders: Decoder[] = [];
  private readonly codecs = new Map<protobuf.Type, MessageCodec>();

  codec(type: protobuf.Type): MessageCodec {
    let c = this.codecs.get(type);
    if (!c) {
      const i = this.compile(type);
      const size = this.sizers[i]!, put = this.putters[i]!, dec = this.decoders;
      c = {
        encode: (m) => {
          const L = LENGTHS;
          L.n = 0;
          L.i = 0;
          const n = size(m as Record<string, unknown>, L);
          const b = Buffer.allocUnsafe(n);
          const end = put(m as Record<string, unknown>, b, 0, L);
          if (end !== n) throw new Error(`${type.fullName}: encoded ${end} bytes, sized ${n}`);
          return b;
        },
        decode: (bytes) => dec[i]!(protobuf.Reader.create(bytes)),
      };
      this.codecs.set(type, c);
    }
    return c;
  }

  /** Compiles a type and everything it refers to; returns its index. */
  private compile(type: protobuf.Type): number {
    const known = this.index.get(type);
    if (known !== undefined) return known;
    type.resolveAll();
    const i = this.index.size;
    this.index.set(type, i);
    // Placeholders first: types may refer to each other (or themselves).
    this.sizers.push(undefined as unknown as Sizer);
    this.putters.push(undefined as unknown as Putter);
    this.decoders.push(undefined as unknown as Decoder);
    const fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
    for (const f of fields) {
      if (f.resolvedType instanceof protobuf.Type) this.compile(f.resolvedType);
      else if (f.resolvedType instanceof protobuf.Enum) this.enumOf(f.resolvedType);
    }
    const enc = this.encoderOf(type, fields);
    this.sizers[i] = enc.size;
    this.putters[i] = enc.put;
    this.decoders[i] = this.decoderOf(type, fields);
    return i;
  }

  private enumOf(e: protobuf.Enum): number {
    let i = this.enumIndex.get(e);
    if (i === undefined) {
      i = this.enumValues.length;
      this.enumValues.push(e.values);
      this.enumNames.push(e.valuesById);
      this.enumIndex.set(e, i);
    }
    return i;
  }

  /**
   * Two functions per type: size (records each nested message's length, in the order they will
   * be written) and put (writes into one buffer of exactly that size). No intermediate writer
   * operations or forks: one allocation per message.
   */
  private encoderOf(type: protobuf.Type, fields: protobuf.Field[]): { size: Sizer; put: Putter } {
    const size: string[] = ['var n=0,v,x,i,k,j,t,e,u;'];
    const put: string[] = ['var v,x,i,k,j,t;'];
    for (const f of fields) {
      const at = `${type.fullName}.${f.name}`;
      const get = `m[${JSON.stringify(f.name)}]`;
      if (f.map) {
        if ((f as unknown as protobuf.MapField).keyType !== 'string') throw new Error(`${at}: only string map keys are supported`);
        const open = `if((v=${get})){if(typeof v!=="object")throw TypeError(${JSON.stringify(`${at}: object expected`)});for(k=Object.keys(v),i=0;i<k.length;++i){`;
        const value = this.valueCode(f, 'v[k[i]]', 2, at);
        // An entry is a nested message {1: key, 2: value}: its length goes in L before the key's and the value's.
        size.push(`${open}e=L.n++;L.a[e]=0;x=slen(k[i]);L.a[L.n++]=x;u=1+vlen(x)+x;${value.size.replace(/n\+=/g, 'u+=')}L.a[e]=u;n+=${vlen((f.id << 3) | 2)}+vlen(u)+u;}}`);
        put.push(`${open}p=putV(b,p,${(f.id << 3) | 2});p=putV(b,p,L.a[L.i++]);p=putV(b,p,10);p=putV(b,p,L.a[L.i++]);p=putS(b,p,k[i]);${value.put}}}`);
      } else if (f.repeated) {
        const packed = f.packed && (f.resolvedType instanceof protobuf.Enum || (WIRE[f.type] !== undefined && WIRE[f.type] !== 2));
        const open = `if((v=${get})){if(!Array.isArray(v))throw TypeError(${JSON.stringify(`${at}: array expected`)});`;
        if (packed) {
          const bare = this.bareCode(f, 'v[i]', at);
          size.push(`${open}if(v.length){t=0;for(i=0;i<v.length;++i){${bare.size}}L.a[L.n++]=t;n+=${vlen((f.id << 3) | 2)}+vlen(t)+t;}}`);
          put.push(`${open}if(v.length){p=putV(b,p,${(f.id << 3) | 2});p=putV(b,p,L.a[L.i++]);for(i=0;i<v.length;++i){${bare.put}}}}`);
        } else {
          const value = this.valueCode(f, 'v[i]', f.id, at);
          size.push(`${open}for(i=0;i<v.length;++i){${value.size}}}`);
          put.push(`${open}for(i=0;i<v.length;++i){${value.put}}}`);
        }
      } else {
        const value = this.valueCode(f, 'v', f.id, at);
        size.push(`if((v=${get})!=null){${value.size}}`);
        put.push(`if((v=${get})!=null){${value.put}}`);
      }
    }
    size.push('return n;');
    put.push('return p;');
    const rt = [this.sizers, this.putters, this.enumValues, RUNTIME] as const;
    const head = 'var vlen=R.vlen,ilen=R.ilen,slen=R.slen,putV=R.putV,putI=R.putI,putS=R.putS,putD=R.putD,putF=R.putF,long=R.long,putL=R.putL,bytes=R.bytes;';
    return {
      size: new Function('Z', 'P', 'N', 'R', `${head}return function size_${type.name}(m,L){${size.join('\n')}}`)(...rt) as Sizer,
      put: new Function('Z', 'P', 'N', 'R', `${head}return function put_${type.name}(m,b,p,L){${put.join('\n')}}`)(...rt) as Putter,
    };
  }

  /** Size and put code for one value with its tag (`n` grows by its size; `p` moves past it). */
  private valueCode(f: protobuf.Field, v: string, id: number, at: string): { size: string; put: string } {
    const tagLen = (wire: number) => vlen((id << 3) | wire);
    const tag = (wire: number) => `p=putV(b,p,${(id << 3) | wire});`;
    if (f.resolvedType instanceof protobuf.Type) {
      const i = this.index.get(f.resolvedType);
      const check = `if(typeof ${v}!=="object")throw TypeError(${JSON.stringify(`${at}: object expected`)});`;
      return {
        size: `${check}j=L.n++;L.a[j]=0;x=Z[${i}](${v},L);L.a[j]=x;n+=${tagLen(2)}+vlen(x)+x;`,
        put: `${tag(2)}p=putV(b,p,L.a[L.i++]);p=P[${i}](${v},b,p,L);`,
      };
    }
    if (f.resolvedType instanceof protobuf.Enum) {
      const lookup = `x=typeof ${v}==="number"?${v}:N[${this.enumIndex.get(f.resolvedType)}][${v}];`;
      return { size: `${lookup}if(typeof x==="number")n+=${tagLen(0)}+ilen(x);`, put: `${lookup}if(typeof x==="number"){${tag(0)}p=putI(b,p,x);}` };
    }
    const wire = WIRE[f.type];
    if (wire === undefined) throw new Error(`${at}: unsupported field type ${f.type}`);
    if (f.type === 'bytes') {
      const take = `if(typeof ${v}==="string"||${v}.length>=0){x=bytes(${v});`;
      return { size: `${take}n+=${tagLen(2)}+vlen(x.length)+x.length;}`, put: `${take}${tag(2)}p=putV(b,p,x.length);b.set(x,p);p+=x.length;}` };
    }
    const bare = this.bareCode(f, v, at);
    return { size: `t=0;${bare.size}n+=${tagLen(wire)}+t;`, put: `${tag(wire)}${bare.put}` };
  }

  /** Size (added to `t`) and put code for a value without its tag: a scalar, or a packed element. */
  private bareCode(f: protobuf.Field, v: string, at: string): { size: string; put: string } {
    if (f.resolvedType instanceof protobuf.Enum) {
      // As protobufjs's fromObject: an unknown name in a repeated enum becomes the first value.
      const first = Object.values(f.resolvedType.values)[0] ?? 0;
      const lookup = `x=typeof ${v}==="number"?${v}:N[${this.enumIndex.get(f.resolvedType)}][${v}];if(typeof x!=="number")x=${first};`;
      return { size: `${lookup}t+=ilen(x);`, put: `${lookup}p=putI(b,p,x);` };
    }
    switch (f.type) {
      case 'double': return { size: 't+=8;', put: `p=putD(b,p,Number(${v}));` };
      case 'float': return { size: 't+=4;', put: `p=putF(b,p,Number(${v}));` };
      case 'bool': return { size: 't+=1;', put: `b[p++]=${v}?1:0;` };
      case 'int32': return { size: `t+=ilen(${v}|0);`, put: `p=putI(b,p,${v}|0);` };
      case 'uint32': return { size: `t+=vlen(${v}>>>0);`, put: `p=putV(b,p,${v}>>>0);` };
      case 'string': {
        const str = `(typeof ${v}==="string"?${v}:String(${v}))`;
        return { size: `x=slen(${str});L.a[L.n++]=x;t+=vlen(x)+x;`, put: `p=putV(b,p,L.a[L.i++]);p=putS(b,p,${str});` };
      }
      case 'int64': case 'uint64':
        return { size: `t+=long(${v}).length();`, put: `p=putL(b,p,long(${v}));` };
      default:
        throw new Error(`${at}: unsupported field type ${f.type}`);
    }
  }

  private decoderOf(type: protobuf.Type, fields: protobuf.Field[]): Decoder {
    // Defaults as the loader fills them (defaults: true): every field outside a oneof.
    const init: string[] = [];
    for (const f of fields) {
      if (f.partOf) continue;
      const key = JSON.stringify(f.name);
      if (f.map) init.push(`${key}:{}`);
      else if (f.repeated) init.push(`${key}:[]`);
      else if (f.resolvedType instanceof protobuf.Type) init.push(`${key}:null`);
      else if (f.resolvedType instanceof protobuf.Enum) init.push(`${key}:${JSON.stringify(Object.keys(f.resolvedType.values)[0])}`);
      else if (LONG.has(f.type)) init.push(`${key}:"0"`);
      else if (f.type === 'string') init.push(`${key}:""`);
      else if (f.type === 'bool') init.push(`${key}:false`);
      else if (f.type === 'bytes') init.push(`${key}:B.empty`);
      else init.push(`${key}:0`);
    }
    const cases: string[] = [];
    for (const f of fields) {
      const key = JSON.stringify(f.name);
      const at = `${type.fullName}.${f.name}`;
      let body: string;
      if (f.map) {
        body = `{var e=r.uint32()+r.pos,mk="",mv=${this.readDefault(f)};while(r.pos<e){var t2=r.uint32();switch(t2>>>3){case 1:mk=r.string();break;case 2:mv=${this.read(f, at)};break;default:r.skipType(t2&7)}}d[${key}][mk]=mv;}`;
      } else if (f.repeated) {
        const packable = f.resolvedType instanceof protobuf.Enum || (WIRE[f.type] !== undefined && WIRE[f.type] !== 2);
        body = packable
          ? `if((t&7)===2){var e=r.uint32()+r.pos;while(r.pos<e)d[${key}].push(${this.read(f, at)});}else d[${key}].push(${this.read(f, at)});`
          : `d[${key}].push(${this.read(f, at)});`;
      } else {
        body = `d[${key}]=${this.read(f, at)};`;
        if (f.partOf) body += `d[${JSON.stringify(f.partOf.name)}]=${key};`;
      }
      cases.push(`case ${f.id}:${body}break;`);
    }
    const src = `return function decode_${type.name}(r,l){var c=l===undefined?r.len:r.pos+l;var d={${init.join(',')}};var x;` +
      `while(r.pos<c){var t=r.uint32();switch(t>>>3){${cases.join('')}default:r.skipType(t&7)}}return d;}`;
    return new Function('D', 'V', 'B', src)(this.decoders, this.enumNames, DECODE_RUNTIME) as Decoder;
  }

  /** Reads one value (the loader's shape: enum names, longs as decimal strings). */
  private read(f: protobuf.Field, at: string): string {
    if (f.resolvedType instanceof protobuf.Type) return `D[${this.index.get(f.resolvedType)}](r,r.uint32())`;
    if (f.resolvedType instanceof protobuf.Enum) return `(x=r.int32(),V[${this.enumIndex.get(f.resolvedType)}][x]===undefined?x:V[${this.enumIndex.get(f.resolvedType)}][x])`;
    if (WIRE[f.type] === undefined) throw new Error(`${at}: unsupported field type ${f.type}`);
    if (LONG.has(f.type)) return `(x=r.${f.type}(),typeof x==="number"?String(x):x.toString())`;
    return `r.${f.type}()`;
  }

  /** A map entry whose value is missing on the wire gets the value type's default. */
  private readDefault(f: protobuf.Field): string {
    if (f.resolvedType instanceof protobuf.Type) return `D[${this.index.get(f.resolvedType)}](r,0)`;
    if (f.resolvedType instanceof protobuf.Enum) return JSON.stringify(Object.keys(f.resolvedType.values)[0]);
    if (LONG.has(f.type)) return '"0"';
    return f.type === 'string' ? '""' : f.type === 'bool' ? 'false' : f.type === 'bytes' ? 'B.empty' : '0';
  }
}
