import { AnswerCache, cacheKeyOf, keepable, storedHeaders } from './answer-cache';

const answer = (etag: string, bytes: number) => ({ etag, headers: { 'content-type': 'application/json' }, body: Buffer.alloc(bytes, 'x') });

describe('cacheKeyOf', () => {
  it('keys a plain GET by upstream, path with query, and the headers an answer may vary on', () => {
    const k = cacheKeyOf('GET', { accept: 'application/json' }, 'http://m:8080', '/v2/apps?embed=apps.tasks');
    expect(k).toBeDefined();
    expect(cacheKeyOf('GET', { accept: 'application/json' }, 'http://m:8080', '/v2/apps?embed=apps.tasks')).toBe(k);
    expect(cacheKeyOf('GET', { accept: 'application/json' }, 'http://m:8080', '/v2/apps')).not.toBe(k);
    expect(cacheKeyOf('GET', { accept: 'application/json' }, 'http://other:8080', '/v2/apps?embed=apps.tasks')).not.toBe(k);
    expect(cacheKeyOf('GET', { accept: 'application/json', authorization: 'token=a' }, 'http://m:8080', '/v2/apps?embed=apps.tasks')).not.toBe(k);
    expect(cacheKeyOf('GET', { accept: 'text/plain' }, 'http://m:8080', '/v2/apps?embed=apps.tasks')).not.toBe(k);
  });

  it('leaves writes, HEAD, the client’s own conditional or range requests and event streams alone', () => {
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']) expect(cacheKeyOf(m, {}, 'b', '/v2/apps')).toBeUndefined();
    for (const h of ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'range']) expect(cacheKeyOf('GET', { [h]: 'x' }, 'b', '/v2/apps')).toBeUndefined();
    expect(cacheKeyOf('GET', { accept: 'text/event-stream' }, 'b', '/v2/events')).toBeUndefined();
  });
});

describe('keepable', () => {
  it('keeps a 200 with an ETag, nothing else', () => {
    expect(keepable(200, { etag: 'W/"1"', 'content-type': 'application/json' })).toBe(true);
    expect(keepable(200, {})).toBe(false);
    expect(keepable(201, { etag: 'W/"1"' })).toBe(false);
    expect(keepable(404, { etag: 'W/"1"' })).toBe(false);
    expect(keepable(200, { etag: 'W/"1"', 'cache-control': 'private' })).toBe(false);
    expect(keepable(200, { etag: 'W/"1"', 'cache-control': 'max-age=0, no-store' })).toBe(false);
    expect(keepable(200, { etag: 'W/"1"', 'content-type': 'text/event-stream' })).toBe(false);
    expect(keepable(200, { etag: 'W/"1"', vary: '*' })).toBe(false);
  });

  it('stores neither per-connection headers nor Date', () => {
    expect(storedHeaders({ etag: 'e', 'content-type': 'j', connection: 'keep-alive', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked', date: 'd', 'content-length': '3' })).toEqual({ etag: 'e', 'content-type': 'j' });
  });
});

describe('AnswerCache', () => {
  it('gives back what was put, and a newer answer replaces an older one', () => {
    const c = new AnswerCache({ maxBytes: 100, maxEntryBytes: 50 });
    c.put('a', answer('1', 10));
    expect(c.get('a')!.etag).toBe('1');
    c.put('a', answer('2', 20));
    expect(c.get('a')!.etag).toBe('2');
    expect(c.size()).toEqual({ entries: 1, bytes: 20 });
  });

  it('refuses an answer over the entry limit, dropping any older one under its key', () => {
    const c = new AnswerCache({ maxBytes: 100, maxEntryBytes: 50 });
    c.put('a', answer('1', 10));
    expect(c.put('a', answer('2', 51))).toBe(false);
    expect(c.get('a')).toBeUndefined();
    expect(c.size()).toEqual({ entries: 0, bytes: 0 });
  });

  it('drops the least recently used past the byte limit', () => {
    const c = new AnswerCache({ maxBytes: 100, maxEntryBytes: 50 });
    c.put('a', answer('a', 40));
    c.put('b', answer('b', 40));
    c.get('a'); // a is now more recent than b
    c.put('c', answer('c', 40));
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBeDefined();
    expect(c.get('c')).toBeDefined();
    expect(c.size()).toEqual({ entries: 2, bytes: 80 });
  });
});
