import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * The last answer of an upstream to a GET, kept so the next identical GET can be revalidated
 * (If-None-Match with its ETag) instead of carried again: an upstream that answers 304 has
 * sent a few hundred bytes instead of Marathon's 1.4 MB list of 1,000 apps, and the gateway
 * answers from memory. The upstream is asked every time, so nothing served is stale; an answer
 * is reused only when the upstream vouches for it byte for byte (its ETag is a hash of the body).
 * Pure: no sockets; the proxy decides when to ask and what to keep.
 */
export interface CachedAnswer {
  etag: string;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

export interface AnswerCacheOptions {
  /** Bytes of bodies kept in all; the least recently used go first. */
  maxBytes: number;
  /** A larger answer is passed through and not kept. */
  maxEntryBytes: number;
}

export const DEFAULT_CACHE: AnswerCacheOptions = { maxBytes: 64 * 1024 * 1024, maxEntryBytes: 16 * 1024 * 1024 };

/** Request headers an upstream's answer may depend on: the key keeps them apart. */
const VARYING = ['accept', 'accept-encoding', 'accept-language', 'authorization', 'cookie'] as const;
/** Client headers that make a request the client's own conditional or partial one: not ours to answer. */
const CLIENT_CONDITIONAL = ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'range'] as const;
/** Per-connection headers, never stored (RFC 9110 §7.6.1), and Date, which must be the answer's own. */
const NOT_STORED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'date', 'content-length']);

/** The key of a GET sent to `base` + `path`, or undefined when the request is not one to cache. */
export function cacheKeyOf(method: string, headers: IncomingHttpHeaders, base: string, path: string): string | undefined {
  if (method !== 'GET') return undefined;
  if (CLIENT_CONDITIONAL.some((h) => headers[h] !== undefined)) return undefined;
  // Event streams and log follows never end; nothing to keep.
  if (String(headers.accept ?? '').includes('text/event-stream')) return undefined;
  return JSON.stringify([base, path, ...VARYING.map((h) => headers[h] ?? null)]);
}

/** Whether an upstream's answer (status and headers) may be kept: a full 200 with a validator, not private. */
export function keepable(status: number, headers: IncomingHttpHeaders): boolean {
  if (status !== 200 || typeof headers.etag !== 'string') return false;
  if (String(headers['content-type'] ?? '').includes('text/event-stream')) return false;
  if (/\b(no-store|private)\b/i.test(String(headers['cache-control'] ?? ''))) return false;
  return headers.vary !== '*';
}

/** The headers to keep of an answer (hop-by-hop and Date left out). */
export function storedHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !NOT_STORED.has(k)) out[k] = v;
  return out;
}

export class AnswerCache {
  private readonly entries = new Map<string, CachedAnswer>();
  private bytes = 0;

  constructor(private readonly opts: AnswerCacheOptions = DEFAULT_CACHE) {}

  /** An answer longer than this is passed through and not kept. */
  get maxEntryBytes(): number {
    return this.opts.maxEntryBytes;
  }

  /** The answer kept under `key`, now the most recently used. */
  get(key: string): CachedAnswer | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  /** Keeps `answer` under `key` (replacing any older one); false when it is too large to keep. */
  put(key: string, answer: CachedAnswer): boolean {
    this.delete(key);
    if (answer.body.length > this.opts.maxEntryBytes) return false;
    this.entries.set(key, answer);
    this.bytes += answer.body.length;
    for (const [k] of this.entries) {
      if (this.bytes <= this.opts.maxBytes) break;
      this.delete(k);
    }
    return true;
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.bytes -= old.body.length;
  }

  /** How much is kept, for /metrics. */
  size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}
