/**
 * Marathon's path ids: '/'-separated names, each `[a-z0-9]` with inner `-` and `.` allowed
 * (Marathon's PathId pattern), absolute in every response ("/prod/web"). Relative ids resolve
 * against a base group, and `..` steps up one level, as Marathon does.
 */
import { MAX_ID_LENGTH } from './limits';

const NAME = /^(([a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])$/;
const RESERVED_SUFFIXES = ['restart', 'tasks', 'versions'];

export function isValidName(name: string): boolean {
  return NAME.test(name);
}

/** Resolves `id` against `base` ("/" by default) into a canonical absolute path; undefined if a segment is invalid or the path too long. */
export function resolvePathId(id: string, base = '/'): string | undefined {
  if (id.length > MAX_ID_LENGTH * 4) return undefined; // never split megabytes of slashes
  const absolute = id.startsWith('/');
  const parts = absolute ? [] : base.split('/').filter(Boolean);
  for (const seg of id.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
      continue;
    }
    if (!isValidName(seg)) return undefined;
    parts.push(seg);
  }
  const out = '/' + parts.join('/');
  return out.length > MAX_ID_LENGTH ? undefined : out;
}

/** Problems with an app id, in Marathon's words; empty when it is fine. */
export function appIdProblems(id: string): string[] {
  if (id.length > MAX_ID_LENGTH) return [`must be at most ${MAX_ID_LENGTH} characters long (got ${id.length})`];
  const resolved = resolvePathId(id);
  if (resolved === undefined) {
    return ['must fully match regular expression \'^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$\''];
  }
  if (resolved === '/') return ['Path must contain at least one path element'];
  const last = resolved.split('/').pop()!;
  if (RESERVED_SUFFIXES.includes(last)) return [`must not end with any of the following reserved words: ${RESERVED_SUFFIXES.join(', ')}`];
  return [];
}

export function parentOf(id: string): string {
  const i = id.lastIndexOf('/');
  return i <= 0 ? '/' : id.slice(0, i);
}

/** `/prod/web` -> `prod_web`: the form Marathon puts in task ids. */
export function safePathId(id: string): string {
  return id.replace(/^\//, '').replace(/\//g, '_');
}
