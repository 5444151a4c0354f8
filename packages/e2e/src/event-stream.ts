import * as http from 'node:http';

/** Collects Server-Sent Events frames from a /v2/events-style endpoint: the `event:` name and parsed `data:`. */
export function eventStream(url: string, headers: Record<string, string> = {}): { frames: { event: string; data: any }[]; status: Promise<number>; close(): void } {
  const frames: { event: string; data: any }[] = [];
  let buf = '';
  let settle: (n: number) => void = () => undefined;
  const status = new Promise<number>((r) => (settle = r));
  const req = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
    settle(res.statusCode ?? 0);
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event && data) frames.push({ event, data: JSON.parse(data) });
      }
    });
  });
  req.on('error', () => settle(0));
  return { frames, status, close: () => req.destroy() };
}
