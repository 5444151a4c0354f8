import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
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

/** Parses the .proto files once per process and returns the grpc-js service and message constructors. */
export function loadStrata(): StrataGrpc {
  if (!cached) {
    const def = protoLoader.loadSync(PROTO_FILES, { ...LOADER_OPTIONS, includeDirs: [PROTO_ROOT] });
    cached = grpc.loadPackageDefinition(def) as unknown as StrataGrpc;
  }
  return cached;
}
