import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** A fresh directory under the OS temp dir, unique per call so suites can run in parallel. */
export function tmpDir(prefix = 'strata-'): { path: string; remove(): void } {
  const p = mkdtempSync(path.join(tmpdir(), prefix));
  return { path: p, remove: () => rmSync(p, { recursive: true, force: true }) };
}
