import * as https from 'node:https';

/**
 * A GET over TLS trusting `ca` (and presenting `cert`/`key` when given): what fetch cannot do
 * without a global CA. Resolves with the status and body; rejects when the connection fails.
 */
export function httpsGet(url: string, tls: { ca: Buffer | string; cert?: Buffer | string; key?: Buffer | string }, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: tls.ca, cert: tls.cert, key: tls.key, headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within 10 s`)));
    req.on('error', reject);
  });
}
