// Lints given texts as files of the repository, with the repository's own ESLint config, and
// prints the rule ids each one breaks (JSON). The architecture spec uses it to show that the rules
// bite. Each text is written as a real file beside the file it stands for (type-aware rules and
// the Nx project graph need a file the projects include; linting stdin under an existing name
// reported nothing for either), linted, and removed again, also on failure. It runs outside Jest
// because ESLint loads its config as ESM.
import { ESLint } from 'eslint';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const cases = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (c) => (data += c)).on('end', () => resolve(data));
}));
const files = cases.map(({ file }, i) => path.join(root, path.dirname(file), `__architecture_probe_${process.pid}_${i}.ts`));
const cleanup = () => files.forEach((f) => rmSync(f, { force: true }));
process.on('exit', cleanup);
try {
  cases.forEach(({ text }, i) => writeFileSync(files[i], text));
  const results = await new ESLint({ cwd: root }).lintFiles(files);
  const byFile = new Map(results.map((r) => [r.filePath, r.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`)]));
  process.stdout.write(JSON.stringify(files.map((f) => byFile.get(f) ?? ['fatal: not linted'])));
} finally {
  cleanup();
}
