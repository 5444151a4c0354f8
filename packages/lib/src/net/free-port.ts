import * as net from 'node:net';

/** A port free right now on `host` (for processes that take a fixed port, like etcd's peer port). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const BELOW_EPHEMERAL = { from: 20_000, to: 30_000 };

/** Whether `port` on `host` can be bound right now (it is released at once). */
export function portBindable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/**
 * The first of `span` consecutive ports, all free right now, for a program that derives ports
 * from a base (`strata up --ha` puts masters 100 apart). Taken from below the kernel's
 * ephemeral range, so no outgoing connection can land on one between this check and the bind.
 */
export async function freePortRange(span: number, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = BELOW_EPHEMERAL.from + Math.floor(Math.random() * (BELOW_EPHEMERAL.to - BELOW_EPHEMERAL.from - span));
    let free = true;
    for (let p = base; p < base + span && free; p++) free = await portBindable(host, p);
    if (free) return base;
  }
  throw new Error(`no ${span} consecutive free ports on ${host} between ${BELOW_EPHEMERAL.from} and ${BELOW_EPHEMERAL.to}`);
}
