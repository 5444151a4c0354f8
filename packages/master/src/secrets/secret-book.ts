/** A secret as the master keeps it: the value, and when it was made and last changed (ms). */
export interface SecretRecord {
  value: string;
  created: number;
  updated: number;
}

/** What the API may say about a secret: never its value. */
export interface SecretMeta {
  path: string;
  created: string;
  updated: string;
}

/**
 * The master's secrets in memory, loaded from its store at recovery and changed only after the
 * store has the change, so a launch resolves its references without waiting on I/O.
 */
export class SecretBook {
  private readonly secrets = new Map<string, SecretRecord>();

  load(path: string, record: SecretRecord): void {
    this.secrets.set(path, record);
  }

  has(path: string): boolean {
    return this.secrets.has(path);
  }

  get(path: string): SecretRecord | undefined {
    return this.secrets.get(path);
  }

  valueOf(path: string): string | undefined {
    return this.secrets.get(path)?.value;
  }

  delete(path: string): boolean {
    return this.secrets.delete(path);
  }

  meta(path: string): SecretMeta | undefined {
    const r = this.secrets.get(path);
    return r && { path, created: new Date(r.created).toISOString(), updated: new Date(r.updated).toISOString() };
  }

  /** Paths under `prefix` (a directory, '' for all), relative to it, sorted: DC/OS's `?list=true`. */
  list(prefix: string): string[] {
    const dir = prefix ? `${prefix.replace(/\/+$/, '')}/` : '';
    return [...this.secrets.keys()].filter((p) => p.startsWith(dir)).map((p) => p.slice(dir.length)).sort();
  }

  get size(): number {
    return this.secrets.size;
  }
}
