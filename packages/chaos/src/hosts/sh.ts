import { execFile, spawnSync } from 'node:child_process';

/** A command of the host network's that failed: what ran and what it said. */
export class CommandError extends Error {
  constructor(readonly command: string, readonly stderr: string, readonly code: number | null) {
    super(`'${command}' failed (${code ?? 'signal'}): ${stderr.trim() || 'no output'}`);
  }
}

/** Runs a system command (ip, iptables) and resolves with its stdout; a non-zero exit rejects with its stderr. */
export function sh(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'utf8', timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(new CommandError([cmd, ...args].join(' '), stderr || err.message, typeof err.code === 'number' ? err.code : null));
      else resolve(stdout);
    });
  });
}

/** The same, synchronously and ignoring failure: for cleanup on the way out of a dying process. */
export function shSyncQuiet(cmd: string, args: string[]): void {
  spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
}
