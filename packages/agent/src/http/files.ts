import { mkdirSync, promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';
import type { Express, Response } from 'express';
import { StrataError } from '@strata/lib';
import { confine } from './confine';
import { attachmentHeader, openSandboxFile, pathParam } from './sandbox-file';

/** A files request idle this long is cut: a slow reader must not hold a descriptor forever. */
const IDLE_MS = 30_000;

const MAX_READ = 4 * 1024 * 1024;

function modeString(st: Stats): string {
  const kind = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : '-';
  const bits = 'rwxrwxrwx';
  let out = kind;
  for (let i = 0; i < 9; i++) out += st.mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}

const int = (v: unknown, name: string, fallback: number): number => {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new StrataError('INVALID_PARAM', `'${name}' must be an integer`, { status: 400 });
  return n;
};

/** Decides whether a request may read `real` (a confined path), throwing a 403 when not. */
export type SandboxAuthorizer = (res: Response, real: string) => void;

/**
 * Mesos's sandbox file endpoints, confined to the agent's sandboxes directory:
 * `/files/browse?path=`, `/files/read?path=&offset=&length=` and `/files/download?path=`.
 * `authorize` sees each resolved path before anything of it is read (access_sandboxes).
 */
export function addFileRoutes(app: Express, sandboxesRoot: string, authorize: SandboxAuthorizer = () => undefined): void {
  mkdirSync(sandboxesRoot, { recursive: true });

  app.get('/files/browse', async (req, res) => {
    const dir = confine(sandboxesRoot, pathParam(req.query.path));
    authorize(res, dir);
    const st = await fsp.stat(dir);
    if (!st.isDirectory()) throw new StrataError('NOT_A_DIRECTORY', `'${req.query.path}' is not a directory`, { status: 400 });
    const entries = await fsp.readdir(dir);
    const out = [];
    for (const name of entries.sort()) {
      const p = path.join(dir, name);
      const s = await fsp.lstat(p).catch(() => undefined);
      if (!s) continue;
      out.push({ path: p, nlink: s.nlink, size: s.size, mtime: Math.floor(s.mtimeMs / 1000), mode: modeString(s), uid: String(s.uid), gid: String(s.gid) });
    }
    res.json(out);
  });

  app.get('/files/read', async (req, res) => {
    const offset = int(req.query.offset, 'offset', 0);
    if (offset < -1) throw new StrataError('INVALID_PARAM', "'offset' must be -1 or at least 0", { status: 400 });
    const length = Math.min(int(req.query.length, 'length', MAX_READ), MAX_READ);
    if (length < 0) throw new StrataError('INVALID_PARAM', "'length' must not be negative", { status: 400 });
    const { fh, size } = await openSandboxFile(sandboxesRoot, req.query.path, (file) => authorize(res, file));
    try {
      // Mesos: offset -1 asks for the file's length only.
      if (offset === -1) return void res.json({ data: '', offset: size });
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      res.json({ data: buf.subarray(0, bytesRead).toString('utf8'), offset });
    } finally {
      await fh.close();
    }
  });

  app.get('/files/download', async (req, res) => {
    const { fh, file } = await openSandboxFile(sandboxesRoot, req.query.path, (f) => authorize(res, f));
    res.set('Content-Type', 'application/octet-stream');
    res.set('Content-Disposition', attachmentHeader(file));
    const stream = fh.createReadStream(); // closes the descriptor when it ends or is destroyed
    res.setTimeout(IDLE_MS, () => stream.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  });
}
