import { execFile } from 'node:child_process';
import { createWriteStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { CommandInfo__Output } from '@strata/proto';

const run = promisify(execFile);
const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2|tar\.xz|txz)$/i;

export class FetchError extends Error {}

/**
 * Mesos's fetcher: every URI of a task's CommandInfo lands in its sandbox before the task starts —
 * http(s) URLs are downloaded, file:// URLs and absolute paths copied; `executable` sets the
 * execute bits, `extract` (the default) unpacks tar archives into the sandbox, `output_file`
 * renames. A URI that cannot be fetched fails the launch with a message that names it.
 */
export async function fetchUris(uris: CommandInfo__Output['uris'], sandbox: string, timeoutMs = 60_000): Promise<void> {
  for (const uri of uris) {
    const value = uri.value;
    const name = uri.outputFile || path.basename(new URL(value, 'file:///').pathname) || 'download';
    if (name.includes('/') || name === '..' || name === '.') throw new FetchError(`Failed to fetch '${value}': output file '${name}' must be a plain file name`);
    const target = path.join(sandbox, name);
    try {
      if (/^https?:\/\//i.test(value)) {
        const r = await fetch(value, { signal: AbortSignal.timeout(timeoutMs) });
        if (!r.ok || !r.body) throw new Error(`HTTP ${r.status}`);
        await pipeline(Readable.fromWeb(r.body as import('node:stream/web').ReadableStream), createWriteStream(target));
      } else if (value.startsWith('file://') || value.startsWith('/')) {
        await fsp.copyFile(value.startsWith('file://') ? new URL(value).pathname : value, target);
      } else {
        throw new Error('only http, https, file URLs and absolute paths can be fetched');
      }
      if (uri.executable) await fsp.chmod(target, 0o755);
      else if ((uri.extract ?? true) && ARCHIVE.test(name)) await run('tar', ['-xf', target, '-C', sandbox], { timeout: timeoutMs });
    } catch (err) {
      if (err instanceof FetchError) throw err;
      throw new FetchError(`Failed to fetch '${value}': ${(err as Error).message}`);
    }
  }
}
