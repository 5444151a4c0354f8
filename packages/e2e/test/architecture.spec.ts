import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

// The lint rules that hold the architecture, shown to bite: each case lints a variant of a real
// file (the type-aware rules need a file of the project) with the repository's own config, in
// one ESLint process (tools/lint-probe.mjs), and expects the rule to report it.
const root = path.resolve(__dirname, '../../..');
const pure = 'packages/master/src/allocator/quota.ts';
const shell = 'packages/marathon/src/marathon.ts';
const floating = 'export async function write(): Promise<void> {}\nexport function caller(): void {\n  write();\n}\n';

const cases: { name: string; file: string; text: string; expect: string | null }[] = [
  { name: 'a pure file as it is', file: pure, text: readFileSync(path.join(root, pure), 'utf8'), expect: null },
  { name: 'a shell file as it is', file: shell, text: readFileSync(path.join(root, shell), 'utf8'), expect: null },
  { name: 'express in allocator/', file: pure, text: "import express from 'express';\nexport const app = express;\n", expect: '@typescript-eslint/no-restricted-imports' },
  { name: 'node:fs in allocator/', file: pure, text: "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n", expect: '@typescript-eslint/no-restricted-imports' },
  { name: 'the @strata/lib barrel in allocator/', file: pure, text: "import { res } from '@strata/lib';\nexport const e = res.EMPTY;\n", expect: '@typescript-eslint/no-restricted-imports' },
  { name: 'a type-only import of the barrel (loads nothing)', file: pure, text: "import type { Resources } from '@strata/lib';\nexport type R = Resources;\n", expect: null },
  { name: 'a timer in allocator/', file: pure, text: 'export const later = (f: () => void) => setTimeout(f, 10);\n', expect: 'no-restricted-globals' },
  { name: 'Date.now in allocator/', file: pure, text: 'export const now = () => Date.now();\n', expect: 'no-restricted-properties' },
  { name: 'a floating promise', file: shell, text: floating, expect: '@typescript-eslint/no-floating-promises' },
  { name: 'a floating promise behind void', file: shell, text: floating.replace('  write();', '  void write();'), expect: '@typescript-eslint/no-floating-promises' },
  { name: 'a handled promise', file: shell, text: floating.replace('  write();', '  write().catch(() => undefined);'), expect: null },
  { name: 'a framework importing the kernel', file: shell, text: "import { Master } from '@strata/master';\nexport const m = Master;\n", expect: '@nx/enforce-module-boundaries' },
  { name: 'a library importing a service', file: 'packages/lib/src/backoff/backoff.ts', text: "import { Marathon } from '@strata/marathon';\nexport const m = Marathon;\n", expect: '@nx/enforce-module-boundaries' },
];

describe('architecture rules (ESLint)', () => {
  let results: string[][];
  beforeAll(() => {
    const out = execFileSync(process.execPath, [path.join(root, 'tools/lint-probe.mjs')], { cwd: root, input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    results = JSON.parse(out) as string[][];
  }, 240_000);

  it.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = cases[i]!;
    if (c.expect === null) expect(results[i]).toEqual([]);
    else expect(results[i]).toContain(c.expect);
  });
});
