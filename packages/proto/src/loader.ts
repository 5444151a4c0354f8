import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';
import { CodecCompiler } from './codec/compile';
import type { ProtoGrpcType as SchedulerProto } from './gen/scheduler';
import type { ProtoGrpcType as AgentProto } from './gen/agent';

/**
 * The one set of protobuf conversion options. scripts/gen.js passes the same flags to
 * proto-loader-gen-types, so the generated types describe exactly what this loader produces:
 * camelCase fields, enums as names, 64-bit ints as strings, defaults filled, oneof case names.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** Where the .proto sources live (the repository's top-level proto/ folder). */
export const PROTO_ROOT = path.resolve(__dirname, '..', '..', '..', 'proto');

export const PROTO_FILES = ['strata/v1/mesos.proto', 'strata/v1/scheduler.proto', 'strata/internal/v1/agent.proto'];

export type StrataGrpc = SchedulerProto & AgentProto;

let cached: StrataGrpc | undefined;

/** The .proto files as protobufjs reflection (what the codecs are compiled from). */
export function loadProtoRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(PROTO_ROOT, target));
  root.loadSync(PROTO_FILES, { keepCase: LOADER_OPTIONS.keepCase });
  root.resolveAll();
  return root;
}

/**
 * proto-loader's service definitions with our compiled codecs in place of its serializers: same
 * bytes, same objects, without the intermediate protobufjs messages (see codec/compile.ts).
 */
export function strataPackageDefinition(): protoLoader.PackageDefinition {
  const def = protoLoader.loadSync(PROTO_FILES, { ...LOADER_OPTIONS, includeDirs: [PROTO_ROOT] });
  const root = loadProtoRoot();
  const compiler = new CodecCompiler();
  for (const [name, svc] of Object.entries(def)) {
    if (!('format' in svc) && typeof svc === 'object') {
      const service = root.lookupService(name);
      for (const [methodName, m] of Object.entries(svc as protoLoader.ServiceDefinition)) {
        const method = service.methods[methodName]!;
        const req = compiler.codec(method.resolvedRequestType!);
        const resp = compiler.codec(method.resolvedResponseType!);
        Object.assign(m, { requestSerialize: req.encode, requestDeserialize: req.decode, responseSerialize: resp.encode, responseDeserialize: resp.decode });
      }
    }
  }
  return def;
}

/** Parses the .proto files once per process and returns the grpc-js service and message constructors. */
export function loadStrata(): StrataGrpc {
  if (!cached) cached = grpc.loadPackageDefinition(strataPackageDefinition()) as unknown as StrataGrpc;
  return cached;
}
