// Lints given texts as if they were given files of the repository, with the repository's own
// ESLint config, and prints the rule ids each one breaks (JSON). The architecture spec uses it
// to show that the rules bite; it runs outside Jest because ESLint loads its config as ESM.
import { ESLint } from 'eslint';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const cases = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (c) => (data += c)).on('end', () => resolve(data));
}));
const eslint = new ESLint({ cwd: root });
const out = [];
for (const { file, text } of cases) {
  const [result] = await eslint.lintText(text, { filePath: path.join(root, file) });
  out.push(result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`));
}
process.stdout.write(JSON.stringify(out));
