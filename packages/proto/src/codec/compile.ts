import * as protobuf from 'protobufjs';

/**
 * Encoders and decoders compiled from the protobufjs reflection of our .proto files, working on
 * the plain objects the rest of Strata uses (the loader's shape: camelCase fields, enums as names,
 * 64-bit integers as strings, defaults filled, oneof case names).
 *
 * Why not proto-loader's: it converts every message twice, object -> protobufjs message ->
 * bytes on the way out and bytes -> message -> object on the way in, and the intermediate
 * messages are garbage at once. On the master's hot path (launches, offers, status updates at
 * thousands a second) that was a fifth of its time. These go straight between object and bytes,
 * with protobufjs's Reader and Writer doing the wire work; the result is byte for byte and field
 * for field what proto-loader gives (a property test over every message type holds them to it).
 */
export interface MessageCodec {
  encode(message: object): Buffer;
  decode(bytes: Uint8Array): unknown;
}

type Encoder = (m: Record<string, unknown>, w: protobuf.Writer) => protobuf.Writer;
type Decoder = (r: protobuf.Reader, length?: number) => Record<string, unknown>;

/** The wire type of each scalar, and the Writer/Reader method of the same name. */
const WIRE: Record<string, number> = {
  double: 1, float: 5, int32: 0, uint32: 0, sint32: 0, fixed32: 5, sfixed32: 5,
  int64: 0, uint64: 0, sint64: 0, fixed64: 1, sfixed64: 1, bool: 0, string: 2, bytes: 2,
};
const LONG = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
/** How the loader coerces a value before writing it (protobufjs's fromObject does the same). */
const COERCE: Record<string, (v: string) => string> = {
  double: (v) => `Number(${v})`, float: (v) => `Number(${v})`,
  int32: (v) => `(${v}|0)`, sint32: (v) => `(${v}|0)`, sfixed32: (v) => `(${v}|0)`,
  uint32: (v) => `(${v}>>>0)`, fixed32: (v) => `(${v}>>>0)`,
  bool: (v) => `Boolean(${v})`,
  string: (v) => `(typeof ${v}==="string"?${v}:String(${v}))`,
};

export class CodecCompiler {
  private readonly types: protobuf.Type[] = [];
  private readonly index = new Map<protobuf.Type, number>();
  /** Per enum, name -> number and number -> name: shared with the compiled code, which indexes them. */
  private readonly enumValues: Record<string, number>[] = [];
  private readonly enumNames: Record<number, string>[] = [];
  private readonly enumIndex = new Map<protobuf.Enum, number>();
  private readonly encoders: Encoder[] = [];
  private readonly decoders: Decoder[] = [];
  private readonly codecs = new Map<protobuf.Type, MessageCodec>();

  codec(type: protobuf.Type): MessageCodec {
    let c = this.codecs.get(type);
    if (!c) {
      const i = this.compile(type);
      const enc = this.encoders, dec = this.decoders;
      c = {
        encode: (m) => enc[i]!(m as Record<string, unknown>, protobuf.Writer.create()).finish() as Buffer,
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
    const i = this.types.length;
    this.types.push(type);
    this.index.set(type, i);
    // Placeholders first: types may refer to each other (or themselves).
    this.encoders.push(undefined as unknown as Encoder);
    this.decoders.push(undefined as unknown as Decoder);
    const fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
    for (const f of fields) {
      if (f.resolvedType instanceof protobuf.Type) this.compile(f.resolvedType);
      else if (f.resolvedType instanceof protobuf.Enum) this.enumOf(f.resolvedType);
    }
    this.encoders[i] = this.encoderOf(type, fields);
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

  private encoderOf(type: protobuf.Type, fields: protobuf.Field[]): Encoder {
    const src: string[] = ['var v,x,i,k;'];
    for (const f of fields) {
      const at = `${type.fullName}.${f.name}`;
      const get = `m[${JSON.stringify(f.name)}]`;
      if (f.map) {
        if ((f as unknown as protobuf.MapField).keyType !== 'string') throw new Error(`${at}: only string map keys are supported`);
        const value = (r: string) => this.writeValue(f, r, 2, at);
        src.push(`if((v=${get})){if(typeof v!=="object")throw TypeError(${JSON.stringify(`${at}: object expected`)});` +
          `for(k=Object.keys(v),i=0;i<k.length;++i){w.uint32(${(f.id << 3) | 2}).fork().uint32(10).string(k[i]);${value('v[k[i]]')}w.ldelim();}}`);
      } else if (f.repeated) {
        const packed = f.packed && (f.resolvedType instanceof protobuf.Enum || (WIRE[f.type] !== undefined && WIRE[f.type] !== 2));
        const open = `if((v=${get})){if(!Array.isArray(v))throw TypeError(${JSON.stringify(`${at}: array expected`)});`;
        if (packed) src.push(`${open}if(v.length){w.uint32(${(f.id << 3) | 2}).fork();for(i=0;i<v.length;++i){${this.writeBare(f, 'v[i]', at)}}w.ldelim();}}`);
        else src.push(`${open}for(i=0;i<v.length;++i){${this.writeValue(f, 'v[i]', f.id, at)}}}`);
      } else {
        src.push(`if((v=${get})!=null){${this.writeValue(f, 'v', f.id, at)}}`);
      }
    }
    src.push('return w;');
    return new Function('E', 'N', `return function encode_${type.name}(m,w){${src.join('\n')}}`)(this.encoders, this.enumValues) as Encoder;
  }

  /** Writes one value with its tag. */
  private writeValue(f: protobuf.Field, v: string, id: number, at: string): string {
    if (f.resolvedType instanceof protobuf.Type) {
      return `if(typeof ${v}!=="object")throw TypeError(${JSON.stringify(`${at}: object expected`)});E[${this.index.get(f.resolvedType)}](${v},w.uint32(${(id << 3) | 2}).fork()).ldelim();`;
    }
    if (f.resolvedType instanceof protobuf.Enum) {
      return `x=typeof ${v}==="number"?${v}:N[${this.enumIndex.get(f.resolvedType)}][${v}];if(typeof x==="number")w.uint32(${id << 3}).int32(x);`;
    }
    const wire = WIRE[f.type];
    if (wire === undefined) throw new Error(`${at}: unsupported field type ${f.type}`);
    if (f.type === 'bytes') return `if(typeof ${v}==="string"||${v}.length>=0)w.uint32(${(id << 3) | 2}).bytes(${v});`;
    const coerced = LONG.has(f.type) ? v : COERCE[f.type]!(v);
    return `w.uint32(${(id << 3) | wire}).${f.type}(${coerced});`;
  }

  /** Writes one element of a packed repeated field (no tag). */
  private writeBare(f: protobuf.Field, v: string, at: string): string {
    // As protobufjs's fromObject: an unknown name in a repeated enum becomes the first value.
    if (f.resolvedType instanceof protobuf.Enum) {
      const first = Object.values(f.resolvedType.values)[0] ?? 0;
      return `x=typeof ${v}==="number"?${v}:N[${this.enumIndex.get(f.resolvedType)}][${v}];w.int32(typeof x==="number"?x:${first});`;
    }
    if (WIRE[f.type] === undefined) throw new Error(`${at}: unsupported field type ${f.type}`);
    return `w.${f.type}(${LONG.has(f.type) ? v : COERCE[f.type]!(v)});`;
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
      else if (f.type === 'bytes') init.push(`${key}:B.alloc(0)`);
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
    return new Function('D', 'V', 'B', src)(this.decoders, this.enumNames, Buffer) as Decoder;
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
    return f.type === 'string' ? '""' : f.type === 'bool' ? 'false' : f.type === 'bytes' ? 'B.alloc(0)' : '0';
  }
}
