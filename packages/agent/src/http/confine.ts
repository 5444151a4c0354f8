import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { StrataError } from '@strata/lib';

/**
 * Resolves a client-given path inside `root` (the sandboxes directory) or throws:
 * 400 for `..` segments and NUL bytes, 403 for anything that lands outside the root (an absolute
 * path elsewhere, or a symlink leading out), 404 for what does not exist. Absolute paths are
 * accepted only inside the root, because that is what `/state` shows as a task's `directory`.
 */
export function confine(root: string, requested: string | undefined): string {
  if (!requested) throw new StrataError('INVALID_PATH', "Expecting 'path' query parameter", { status: 400 });
  if (requested.includes('\0')) throw new StrataError('INVALID_PATH', 'path contains a NUL byte', { status: 400 });
  if (requested.split(/[\\/]+/).includes('..')) throw new StrataError('INVALID_PATH', `path '${requested}' contains '..'`, { status: 400 });
  const realRoot = realpathSync(root);
  const roots = [realRoot, path.resolve(root)]; // the root may be spelled through a symlink (/tmp on some systems)
  const inside = (p: string) => roots.some((r) => p === r || p.startsWith(r + path.sep));
  const joined = path.isAbsolute(requested) ? path.resolve(requested) : path.resolve(realRoot, requested);
  // Absolute paths elsewhere are refused before they touch the disk.
  if (!inside(joined)) throw new StrataError('FORBIDDEN_PATH', `path '${requested}' is outside the sandboxes`, { status: 403 });
  let real: string;
  try {
    real = realpathSync(joined);
  } catch {
    throw new StrataError('NOT_FOUND', `path '${requested}' does not exist`, { status: 404 });
  }
  if (!inside(real)) throw new StrataError('FORBIDDEN_PATH', `path '${requested}' leads outside the sandboxes`, { status: 403 });
  return real;
}
