/** Longest role name accepted: a role names directories and metric labels, and 5,000-character roles were once stored for good. */
export const MAX_ROLE_LENGTH = 255;

// Whitespace, backslash, DEL and the other control characters Mesos forbids in a role component.
const INVALID_CHARS = /[\x00-\x20\x7f\\]/;

/**
 * Mesos's role rules (roles.cpp `validate`): `*` or one or more `/`-separated components, none
 * empty, `.`, `..` or `*`, none starting with `-`, no whitespace, backslash or control
 * characters. Returns the problem in Mesos's words, or undefined for a valid role.
 */
export function roleProblem(role: string): string | undefined {
  if (role === '*') return undefined;
  if (role === '') return 'Empty role name is invalid';
  if (role.length > MAX_ROLE_LENGTH) return `Role name is longer than ${MAX_ROLE_LENGTH} characters`;
  if (role.startsWith('/')) return `Role '${role}' cannot start with a slash`;
  if (role.endsWith('/')) return `Role '${role}' cannot end with a slash`;
  for (const c of role.split('/')) {
    if (c === '') return `Role '${role}' cannot contain two adjacent slashes`;
    if (c === '.' || c === '..') return `Role '${role}' cannot include '.' or '..' as a path component`;
    if (c === '*') return `Role '${role}' cannot include '*' as a path component`;
    if (c.startsWith('-')) return `Role component '${c}' is invalid: it cannot start with '-'`;
    if (INVALID_CHARS.test(c)) return `Role component '${c}' is invalid: it cannot contain whitespace, a backslash or control characters`;
  }
  return undefined;
}
