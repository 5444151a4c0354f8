// Sums the Jest JSON reports of every package into the one closing line CI reads:
// "Tests: N passed, N failed, N skipped". Exits non-zero on any failure, on a suite that failed
// to load (it has no failed test but must fail CI), and when no test ran at all.
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(__dirname, '..', 'reports', 'jest');
let passed = 0, failed = 0, skipped = 0;
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
for (const f of files) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
  skipped += r.numPendingTests + (r.numTodoTests || 0);
  if (r.numRuntimeErrorTestSuites) console.error(`${f}: ${r.numRuntimeErrorTestSuites} suite(s) failed to run`);
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
