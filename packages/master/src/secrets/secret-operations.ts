import { StrataError } from '@strata/lib';
import { normalSecretPath, secretPathProblem } from '@strata/lib/validation';
import type { MasterContext } from '../master-context';
import type { SecretMeta } from './secret-book';

/** The most a secret may hold: a certificate chain or a key file fits, a payload does not. */
export const MAX_SECRET_BYTES = 64 * 1024;

/**
 * DC/OS's secret store on the leading master (`/secrets/v1/secret/default/PATH`): create, change,
 * list, delete. The store has each change before memory does, so a failed write changes nothing.
 * No call answers with a value: a secret leaves the master only inside a launch to an agent.
 */
export class SecretOperations {
  constructor(private readonly ctx: MasterContext) {}

  async create(rawPath: string, body: unknown): Promise<void> {
    const path = this.checkedPath(rawPath);
    const value = valueOf(body);
    if (this.ctx.secrets.has(path)) throw new StrataError('ALREADY_EXISTS', `Secret '${path}' already exists`, { context: { path } });
    const now = this.ctx.clock.now();
    await this.ctx.store.putSecret(path, { value, created: now, updated: now });
    this.ctx.secrets.load(path, { value, created: now, updated: now });
    this.ctx.log.info({ secret: path }, 'secret created');
  }

  async update(rawPath: string, body: unknown): Promise<void> {
    const path = this.checkedPath(rawPath);
    const value = valueOf(body);
    const old = this.ctx.secrets.get(path);
    if (!old) throw notFound(path);
    const record = { value, created: old.created, updated: this.ctx.clock.now() };
    await this.ctx.store.putSecret(path, record);
    this.ctx.secrets.load(path, record);
    this.ctx.log.info({ secret: path }, 'secret changed');
  }

  async remove(rawPath: string): Promise<void> {
    const path = this.checkedPath(rawPath);
    if (!this.ctx.secrets.has(path)) throw notFound(path);
    await this.ctx.store.deleteSecret(path);
    this.ctx.secrets.delete(path);
    this.ctx.log.info({ secret: path }, 'secret deleted');
  }

  meta(rawPath: string): SecretMeta {
    const path = this.checkedPath(rawPath);
    const m = this.ctx.secrets.meta(path);
    if (!m) throw notFound(path);
    return m;
  }

  /** DC/OS's `?list=true` under a directory ('' for the whole store). */
  list(rawDir: string): string[] {
    const dir = normalSecretPath(rawDir);
    if (dir && secretPathProblem(dir)) throw new StrataError('INVALID_PATH', secretPathProblem(dir)!, { context: { path: dir } });
    return this.ctx.secrets.list(dir);
  }

  private checkedPath(raw: string): string {
    const why = secretPathProblem(raw);
    if (why) throw new StrataError('INVALID_PATH', why, { context: { path: raw.slice(0, 300) } });
    return normalSecretPath(raw);
  }
}

const notFound = (path: string) => new StrataError('NOT_FOUND', `Secret '${path}' not found`, { context: { path } });

function valueOf(body: unknown): string {
  const value = (body as { value?: unknown } | null | undefined)?.value;
  if (typeof value !== 'string') throw new StrataError('INVALID_REQUEST', "A secret is {\"value\": \"...\"} with a string value", { status: 400 });
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) throw new StrataError('INVALID_REQUEST', `A secret must not be larger than ${MAX_SECRET_BYTES} bytes`, { status: 400 });
  return value;
}
