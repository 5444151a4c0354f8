// Generates the TypeScript types for every .proto under <repo>/proto with proto-loader-gen-types.
// The loader options come from the same file the runtime uses, so types and runtime never disagree.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const protoRoot = path.join(__dirname, '..', '..', '..', 'proto');
const outDir = path.join(__dirname, '..', 'src', 'gen');
const files = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.proto')) files.push(path.relative(protoRoot, p));
  }
})(protoRoot);

fs.rmSync(outDir, { recursive: true, force: true });
const bin = require.resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js');
execFileSync(process.execPath, [
  bin, '--grpcLib=@grpc/grpc-js', `--outDir=${outDir}`, `--includeDirs=${protoRoot}`,
  '--longs=String', '--enums=String', '--defaults', '--oneofs', '--inputTemplate=%s', '--outputTemplate=%s__Output',
  ...files.sort(),
], { stdio: 'inherit', cwd: protoRoot });
