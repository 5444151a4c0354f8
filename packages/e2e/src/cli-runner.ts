import { spawn } from 'node:child_process';
import { BINS } from './processes';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  input?: string;
  timeoutMs?: number;
  /** Sees stderr as it grows: a test waits on it for a long-running command's progress. */
  onStderr?: (soFar: string) => void;
}

/**
 * Runs the `strata` CLI as a user would and collects what it printed and its exit code. Its stdin
 * gets `input` and is then closed, as a shell pipe would be (an open stdin would block a command
 * that reads it). A command still running after `timeoutMs` is killed and the promise rejects
 * with what it had printed, so a hang fails the test with a reason instead of a jest timeout.
 */
export function strata(args: string[], env: Record<string, string> = {}, o: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BINS.cli, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => {
      stderr += d;
      o.onStderr?.(stderr);
    });
    p.stdin.on('error', () => undefined); // the command may exit before reading its input
    p.stdin.end(o.input ?? '');
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`strata ${args.join(' ')} still running after ${o.timeoutMs ?? 60_000} ms; stdout: ${stdout.slice(-2000)} stderr: ${stderr.slice(-2000)}`));
    }, o.timeoutMs ?? 60_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
