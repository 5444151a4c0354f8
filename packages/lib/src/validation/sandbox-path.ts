/**
 * Why a path a task definition names inside its sandbox (Marathon's `fetch.destPath`, Chronos's
 * `output_file`) is refused, or undefined: the fetcher writes there, so an absolute path, a `..`
 * or a NUL would let a definition write anywhere on the agent.
 */
export function sandboxPathProblem(p: string): string | undefined {
  return p.startsWith('/') || p.split(/[\\/]/).includes('..') || p.includes('\0') ? "must be a relative path inside the sandbox, without '..'" : undefined;
}
