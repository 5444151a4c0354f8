import * as net from 'node:net';

/** HTTP(S) probe: healthy on a 2xx or 3xx answer within the timeout. */
export async function httpProbe(url: string, timeoutMs: number): Promise<{ ok: boolean; cause?: string }> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await r.arrayBuffer().catch(() => undefined);
    return r.status >= 200 && r.status < 400 ? { ok: true } : { ok: false, cause: `HTTP ${r.status}` };
  } catch (err) {
    return { ok: false, cause: (err as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : ((err as Error & { cause?: Error }).cause?.message ?? (err as Error).message) };
  }
}

/** TCP probe: healthy when a connection opens within the timeout. */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<{ ok: boolean; cause?: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (r: { ok: boolean; cause?: string }) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, cause: `timed out after ${timeoutMs} ms` }));
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (err) => done({ ok: false, cause: err.message }));
  });
}
