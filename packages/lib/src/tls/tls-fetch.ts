import * as https from 'node:https';
import type { TlsConfig } from './tls-config';

/**
 * fetch over TLS with the cluster's CA and this process's certificate: Node's fetch takes no
 * CA of its own (only NODE_EXTRA_CA_CERTS at startup). Answers a real Response; follows no
 * redirects; `init.signal` aborts it.
 */
export function tlsFetch(url: string, tls: TlsConfig, init: { method?: string; headers?: Record<string, string> | Headers; body?: string; signal?: AbortSignal } = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers = init.headers instanceof Headers ? Object.fromEntries(init.headers.entries()) : init.headers ?? {};
    const req = https.request(url, { method: init.method ?? 'GET', headers, ca: tls.ca, cert: tls.cert, key: tls.key, ...(init.signal ? { signal: init.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
        const status = res.statusCode ?? 502;
        const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
        const response = new Response(body, { status, headers: out });
        Object.defineProperty(response, 'url', { value: url });
        resolve(response);
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** fetch, or tlsFetch when the cluster serves TLS. */
export const clusterFetch = (tls: TlsConfig | undefined) => (url: string, init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {}) => (tls ? tlsFetch(url, tls, init) : fetch(url, init));
