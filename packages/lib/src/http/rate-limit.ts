import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { StrataError } from '../errors/strata-error';
import { principalOf } from '../security/http-guard';
import { systemClock, type Clock } from '../time/clock';

/** How many writes a caller may make: `perSecond` on average, `burst` at once. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * Token buckets by key (a principal, or an address when nobody is authenticated): each holds
 * up to `burst` tokens and refills at `perSecond`. Pure: the time is handed in. Keys whose
 * bucket is full again carry no information and are dropped once there are many.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes a token for `key` at `now` (ms); when none is left, how long until one is. */
  take(key: string, now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const { perSecond, burst } = this.limit;
    let b = this.buckets.get(key);
    if (b) this.buckets.delete(key); // re-inserted last: the map stays in order of use
    else {
      b = { tokens: burst, at: now };
      if (this.buckets.size >= this.maxKeys) this.evict(now, this.maxKeys - 1);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - b.tokens) / perSecond) * 1000) };
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Down to `target` keys: full buckets first (forgetting them changes nothing), then the least recently used. */
  private evict(now: number, target: number): void {
    for (const [k, b] of this.buckets) {
      if (this.buckets.size <= target) return;
      if (b.tokens + ((now - b.at) / 1000) * this.limit.perSecond >= this.limit.burst) this.buckets.delete(k);
    }
    for (const k of this.buckets.keys()) {
      if (this.buckets.size <= target) return;
      this.buckets.delete(k);
    }
  }
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Writes (every method but GET, HEAD and OPTIONS: each may start a deployment, a run, a
 * reservation) limited per principal, or per address without authentication: past the limit, a
 * 429 RATE_LIMITED with Retry-After, before any body is read. Reads are never limited.
 */
export function rateLimitWrites(limit: RateLimit, clock: Clock = systemClock): RequestHandler {
  const buckets = new TokenBuckets(limit);
  return (req: Request, res: Response, next: NextFunction) => {
    if (READS.has(req.method)) return next();
    const key = principalOf(res) ?? `addr:${req.socket.remoteAddress ?? ''}`;
    const r = buckets.take(key, clock.now());
    if (r.ok) return next();
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(r.retryAfterMs / 1000))));
    next(new StrataError('RATE_LIMITED', `Too many writes: at most ${limit.perSecond} a second (bursts of ${limit.burst}); retry in ${r.retryAfterMs} ms`, { context: { key } }));
  };
}
