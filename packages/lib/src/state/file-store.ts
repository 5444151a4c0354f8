import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { atomicWriteFile } from '../fs/atomic-write';
import { StrataError, conflict } from '../errors/strata-error';
import type { StateStore, Versioned } from './state-store';

interface Record<T> {
  version: number;
  value: T;
  /** The key, for files whose name had to be shortened (see `fileFor`). */
  key?: string;
}

const SEGMENT = /^[A-Za-z0-9._:@-]+$/;
/**
 * Longest segment kept as a file name: names are at most 255 bytes, and a write's temp file adds
 * 18 characters and `.json` 5. Longer segments become a prefix plus a hash (with `~`, which no
 * plain segment contains), so no key maps to an impossible name; the record keeps its key.
 */
const MAX_SEGMENT = 200;
const MAX_PATH = 3800;
const nameOf = (s: string) => (s.length > MAX_SEGMENT ? `${s.slice(0, 120)}~${createHash('sha256').update(s).digest('hex').slice(0, 40)}` : s);

/**
 * One JSON file per key under a directory, written atomically. Writes to one key are serialised
 * in-process so compare-and-set is exact; one process owns a directory (the services take it
 * with their --work-dir/--state flag).
 */
export class FileStateStore implements StateStore {
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Versions this process has read or written: a write need not read the file first. */
  private readonly versions = new Map<string, number>();
  private readonly dirs = new Set<string>();

  constructor(private readonly dir: string) {}

  private fileFor(key: string): string {
    const segments = key.split('/').map((s) => {
      if (!SEGMENT.test(s) || s === '.' || s === '..') {
        throw new StrataError('INVALID_KEY', `state key '${key.slice(0, 300)}' has an invalid segment '${s.slice(0, 300)}'`, { status: 400, context: { key } });
      }
      return nameOf(s);
    });
    const file = path.join(this.dir, ...segments) + '.json';
    if (file.length > MAX_PATH) throw new StrataError('INVALID_KEY', `state key '${key.slice(0, 300)}…' is too long (${key.length} characters)`, { status: 400, context: { key } });
    return file;
  }

  /** Runs `fn` after every earlier write to `key` has finished. */
  private serial<R>(key: string, fn: () => Promise<R>): Promise<R> {
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.chains.set(key, tail);
    // `tail` never rejects (caught above); the cleanup needs no handler of its own.
    tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    }, () => undefined);
    return next;
  }

  private async read<T>(file: string): Promise<Record<T> | undefined> {
    try {
      const rec = JSON.parse(await fsp.readFile(file, 'utf8')) as Record<T>;
      this.versions.set(file, rec.version);
      return rec;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.versions.set(file, 0);
        return undefined;
      }
      throw new StrataError('STATE_READ_FAILED', `cannot read state file ${file}: ${(err as Error).message}`, { cause: err, context: { file } });
    }
  }

  async get<T>(key: string): Promise<Versioned<T> | undefined> {
    const rec = await this.read<T>(this.fileFor(key));
    return rec && { key, value: rec.value, version: rec.version };
  }

  async put<T>(key: string, value: T, opts: { durable?: boolean } = {}): Promise<number> {
    const file = this.fileFor(key);
    return this.serial(key, async () => {
      const version = (this.versions.get(file) ?? (await this.read<T>(file))?.version ?? 0) + 1;
      await this.write(file, key, version, value, opts.durable ?? true);
      return version;
    });
  }

  async compareAndSet<T>(key: string, value: T, expectedVersion: number): Promise<number> {
    const file = this.fileFor(key);
    return this.serial(key, async () => {
      const current = (await this.read<T>(file))?.version ?? 0;
      if (current !== expectedVersion) {
        throw conflict(`state key '${key}' is at version ${current}, expected ${expectedVersion}`, { key, current, expectedVersion });
      }
      const version = current + 1;
      await this.write(file, key, version, value, true);
      return version;
    });
  }

  private async write<T>(file: string, key: string, version: number, value: T, durable: boolean): Promise<void> {
    const dir = path.dirname(file);
    const data = JSON.stringify(path.relative(this.dir, file).includes('~') ? { version, value, key } : { version, value });
    try {
      await atomicWriteFile(file, data, { durable, dirExists: this.dirs.has(dir) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !this.dirs.has(dir)) throw err;
      this.dirs.delete(dir); // removed behind our back: create it again
      await atomicWriteFile(file, data, { durable });
    }
    this.dirs.add(dir);
    this.versions.set(file, version);
  }

  async list<T>(prefix: string): Promise<Versioned<T>[]> {
    const out: Versioned<T>[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        if (e.name.startsWith('.')) continue; // temp files of in-flight writes
        if (e.isDirectory()) await walk(path.join(dir, e.name), `${keyPrefix}${e.name}/`);
        else if (e.name.endsWith('.json')) {
          const named = keyPrefix + e.name.slice(0, -'.json'.length);
          // A shortened name's real key is in the record; its prefix up to the hash is the name's.
          if (!named.includes('~') && !named.startsWith(prefix)) continue;
          const rec = await this.read<T>(path.join(dir, e.name));
          const key = rec?.key ?? named;
          if (rec && key.startsWith(prefix)) out.push({ key, value: rec.value, version: rec.version });
        }
      }
    };
    // Start from the deepest whole directory the prefix names, so a listing reads only what it must.
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    await walk(dirPart ? path.join(this.dir, ...dirPart.split('/').map(nameOf)) : this.dir, dirPart ? `${dirPart}/` : '');
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<boolean> {
    const file = this.fileFor(key);
    return this.serial(key, async () => {
      try {
        await fsp.unlink(file);
        this.versions.set(file, 0);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          this.versions.set(file, 0);
          return false;
        }
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }
}
