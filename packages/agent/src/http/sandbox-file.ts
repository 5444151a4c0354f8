import { constants, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { StrataError } from '@strata/lib';
import { confine } from './confine';

/** The `path` query parameter: one string, or a 400 (`?path=a&path=b` once answered 500). */
export function pathParam(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new StrataError('INVALID_PATH', "Expecting one 'path' query parameter", { status: 400 });
  return raw;
}

/**
 * Opens a file of a sandbox for reading, or throws the HTTP error: only a regular file, inside
 * the sandboxes (confine), opened without following a last symlink and without blocking (a FIFO
 * would hold the request, and the agent's worker threads, forever), and with a single link: a
 * hard link made inside a sandbox to a file outside it (`ln /etc/passwd x`) has nlink > 1, and
 * nothing Strata writes into a sandbox is hard-linked. The checks run on the open descriptor, so
 * what was checked is what is read.
 */
export async function openSandboxFile(root: string, requested: unknown, authorize: (file: string) => void = () => undefined): Promise<{ fh: fsp.FileHandle; size: number; file: string }> {
  const file = confine(root, pathParam(requested));
  authorize(file);
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StrataError('NOT_FOUND', `path '${requested}' does not exist`, { status: 404 });
    if (code === 'ELOOP') throw new StrataError('FORBIDDEN_PATH', `path '${requested}' is a symbolic link`, { status: 403 });
    if (code === 'EACCES' || code === 'ENXIO') throw new StrataError('FORBIDDEN_PATH', `path '${requested}' cannot be read`, { status: 403 });
    throw err;
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new StrataError('IS_A_DIRECTORY', `'${requested}' is a directory`, { status: 400 });
    if (!st.isFile()) throw new StrataError('NOT_A_FILE', `'${requested}' is not a regular file (a FIFO, socket or device is never served)`, { status: 403 });
    if (st.nlink > 1) throw new StrataError('FORBIDDEN_PATH', `'${requested}' is hard-linked (${st.nlink} links): it may belong to something outside the sandbox`, { status: 403 });
    return { fh, size: st.size, file };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** `Content-Disposition` for any file name: an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function attachmentHeader(file: string): string {
  const name = path.basename(file);
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
