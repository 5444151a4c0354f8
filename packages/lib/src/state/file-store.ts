import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { atomicWriteFile } from '../fs/atomic-write';
import { StrataError, conflict } from '../errors/strata-error';
import type { StateStore, Versioned } from './state-store';

interface Record<T> {
  version: number;
  value: T;
}

const SEGMENT = /^[A-Za-z0-9._:@-]+$/;

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
    const segments = key.split('/');
    for (const s of segments) {
      if (!SEGMENT.test(s) || s === '.' || s === '..') {
        throw new StrataError('INVALID_KEY', `state key '${key}' has an invalid segment '${s}'`, { status: 400, context: { key } });
      }
    }
    return path.join(this.dir, ...segments) + '.json';
  }

  /** Runs `fn` after every earlier write to `key` has finished. */
  private serial<R>(key: string, fn: () => Promise<R>): Promise<R> {
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.chains.set(key, tail);
    void tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
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
      await this.write(file, version, value, opts.durable ?? true);
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
      await this.write(file, version, value, true);
      return version;
    });
  }

  private async write<T>(file: string, version: number, value: T, durable: boolean): Promise<void> {
    const dir = path.dirname(file);
    const data = JSON.stringify({ version, value });
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
          const key = keyPrefix + e.name.slice(0, -'.json'.length);
          if (!key.startsWith(prefix)) continue;
          const rec = await this.read<T>(path.join(dir, e.name));
          if (rec) out.push({ key, value: rec.value, version: rec.version });
        }
      }
    };
    // Start from the deepest whole directory the prefix names, so a listing reads only what it must.
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    await walk(dirPart ? path.join(this.dir, ...dirPart.split('/')) : this.dir, dirPart ? `${dirPart}/` : '');
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
