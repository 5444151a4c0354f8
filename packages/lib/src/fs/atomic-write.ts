import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes a file so that readers see either the old or the new content, never a torn one, even
 * across a crash: write a temp file in the same directory, fsync it, rename over the target,
 * fsync the directory so the rename itself is durable. `durable: false` skips both fsyncs for
 * records that only need to survive a crash of the process, not of the machine.
 */
export async function atomicWriteFile(file: string, data: string | Uint8Array, opts: { durable?: boolean; dirExists?: boolean } = {}): Promise<void> {
  const durable = opts.durable ?? true;
  const dir = path.dirname(file);
  if (!opts.dirExists) await fsp.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await fsp.open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(data);
    if (durable) await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  if (!durable) return; // still atomic for readers and across a process crash; not flushed for power loss
  const dh = await fsp.open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
