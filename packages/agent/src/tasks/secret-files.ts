import { rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Writes a task's secret files (paths checked relative to the sandbox by takeSecrets), readable
 * by their owner alone; the sandbox's preparation hands them to the task's user. `wx`: an
 * existing file or link at that path is an error, never written through.
 */
export async function writeSecretFiles(sandbox: string, files: { path: string; content: Buffer }[]): Promise<void> {
  for (const f of files) {
    const target = path.join(sandbox, f.path);
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await writeFile(target, f.content, { mode: 0o400, flag: 'wx' });
  }
}

/** A task's secret files go with the task (as Mesos's tmpfs-backed ones): a finished sandbox keeps no secret. */
export function removeSecretFiles(sandbox: string, paths: string[]): void {
  for (const p of paths) rmSync(path.join(sandbox, p), { force: true });
}
