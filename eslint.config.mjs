// Strata's architecture, checked: package boundaries (Nx tags), pure folders that stay pure,
// and promises that are awaited or handled. `npm test` runs this after the build (type-aware
// rules read the built .d.ts of sibling packages).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/** Folders of rules without I/O: no sockets, files, processes, timers, clocks or randomness. */
export const PURE = [
  'packages/master/src/allocator/**',
  'packages/master/src/offers/**',
  'packages/master/src/registry/**',
  'packages/master/src/agents/**',
  'packages/master/src/frameworks/**',
  'packages/master/src/calls/**',
  'packages/master/src/tasks/**',
  'packages/master/src/operator/**',
  'packages/master/src/allocation/**',
  'packages/marathon/src/deployment/**',
  'packages/marathon/src/launch-queue/**',
  'packages/marathon/src/model/**',
  'packages/marathon/src/instances/**',
  'packages/chronos/src/schedule/**',
  'packages/chronos/src/model/**',
  'packages/chronos/src/queue/**',
  'packages/chronos/src/graph/**',
  'packages/chronos/src/launch/**',
  'packages/sdk/src/offers/**',
  'packages/lib/src/resources/**',
  'packages/lib/src/backoff/**',
  'packages/lib/src/validation/**',
  'packages/lib/src/collections/min-heap.ts',
  'packages/lib/src/health/health-state.ts',
  'packages/chaos/src/checkers/**',
  'packages/chaos/src/history/**',
  'packages/chaos/src/nemesis/plan.ts',
  'packages/chaos/src/report/timeline.ts',
  'packages/chaos/src/random.ts',
  'packages/gateway/src/routes/**',
  'packages/gateway/src/directory/services.ts',
  'packages/gateway/src/directory/rotation.ts',
];

const IO_MODULES = ['net', 'fs', 'fs/promises', 'child_process', 'http', 'http2', 'https', 'dgram', 'timers', 'timers/promises', 'crypto', 'os', 'cluster', 'worker_threads'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'packages/proto/src/gen/**', 'reports/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['packages/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: ['./packages/*/tsconfig.spec.json', './packages/ui/tsconfig.build.json'], tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx, '@typescript-eslint': tseslint.plugin },
    rules: {
      // A store write nobody awaits or catches is an unhandled rejection: it ends the process.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:proto', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:proto'] },
            { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:lib', 'type:proto'] },
            // type:ui only for the gateway, which serves the UI's built files (it resolves its dist, imports no code): the scope rules below keep it from the kernel and the frameworks.
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib', 'type:proto', 'type:sdk', 'type:ui'] },
            { sourceTag: 'scope:kernel', notDependOnLibsWithTags: ['type:ui'] },
            { sourceTag: 'scope:framework', notDependOnLibsWithTags: ['type:ui'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:proto', 'type:sdk'] },
            // The CLI spawns services' and tools' bins (strata up, strata chaos): it resolves them, never imports their code.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:proto', 'type:sdk', 'type:service', 'type:tool'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
            // Frameworks talk to the kernel over its API (the SDK), never by importing it.
            { sourceTag: 'scope:framework', notDependOnLibsWithTags: ['scope:kernel'] },
            { sourceTag: 'scope:kernel', notDependOnLibsWithTags: ['scope:framework'] },
          ],
        },
      ],
    },
  },
  {
    files: PURE,
    ignores: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...IO_MODULES.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'Pure code does no I/O: the shell around it does (see docs/ARCHITECTURE.md).' })),
            { name: 'express', message: 'Pure code does not serve HTTP.' },
            { name: '@grpc/grpc-js', message: 'Pure code does not talk gRPC.' },
            { name: 'dockerode', message: 'Pure code does not run containers.' },
            { name: '@strata/lib', allowTypeImports: true, message: "The @strata/lib barrel loads express and grpc-js: import from a subpath ('@strata/lib/resources', '/errors', '/collections', '/validation', '/backoff', '/time')." },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'fetch', 'process'].map((name) => ({ name, message: 'Pure code takes time and I/O from its caller (a Clock, an injected function).' })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pure code is given `now`; it does not read the clock.' },
        { object: 'Math', property: 'random', message: 'Pure code is given its randomness (a seed or an id).' },
      ],
    },
  },
);
