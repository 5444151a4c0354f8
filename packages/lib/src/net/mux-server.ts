import * as http from 'node:http';
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';

/**
 * Node's HTTP/2 session reads straight from the socket's native handle, so bytes already read
 * while sniffing (and unshifted) would never reach it. This stream replays them first and then
 * relays the socket; HTTP/1.1 needs none of this because its parser honours unshifted data.
 */
class ReplaySocket extends Duplex {
  constructor(private readonly socket: net.Socket, head: Buffer) {
    super({ allowHalfOpen: false });
    this.push(head);
    socket.on('data', (d: Buffer) => {
      if (!this.push(d)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('close', () => this.destroy());
    socket.on('error', (err) => this.destroy(err));
  }
  override _read(): void {
    this.socket.resume();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.socket.write(chunk, cb);
  }
  override _final(cb: (err?: Error | null) => void): void {
    this.socket.end();
    cb();
  }
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.socket.destroy();
    cb(err);
  }
  // grpc-js and http2 read these off the transport.
  get remoteAddress() { return this.socket.remoteAddress; }
  get remotePort() { return this.socket.remotePort; }
  get localAddress() { return this.socket.localAddress; }
  get localPort() { return this.socket.localPort; }
  setNoDelay(v?: boolean) { this.socket.setNoDelay(v); return this; }
  setKeepAlive(enable?: boolean, delay?: number) { this.socket.setKeepAlive(enable, delay); return this; }
  setTimeout(ms: number, cb?: () => void) { this.socket.setTimeout(ms, cb); return this; }
}

/** The HTTP/2 connection preface every gRPC client opens with (RFC 9113 §3.4). */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

export interface MuxServer {
  port: number;
  host: string;
  close(): Promise<void>;
}

/**
 * Serves gRPC and plain HTTP/1.1 on one port, as Mesos serves its protocol and its JSON endpoints
 * on 5050: each new connection is sniffed for the HTTP/2 preface and handed to the gRPC server
 * (through grpc-js's connection injector) or to the HTTP server.
 */
export async function serveMuxed(opts: {
  host: string;
  port: number;
  httpHandler: http.RequestListener;
  grpcServer: grpc.Server;
}): Promise<MuxServer> {
  const httpServer = http.createServer({ keepAliveTimeout: 5_000 }, opts.httpHandler);
  const injector = opts.grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const n = Math.min(head.length, H2_PREFACE.length);
      const isH2 = head.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (isH2 && head.length < H2_PREFACE.length) return; // need more bytes to decide
      socket.removeListener('data', onData);
      if (isH2) {
        injector.injectConnection(new ReplaySocket(socket, head) as unknown as net.Socket);
      } else {
        socket.pause();
        socket.unshift(head);
        httpServer.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const addr = server.address() as net.AddressInfo;
  return {
    port: addr.port,
    host: opts.host,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      httpServer.closeAllConnections();
      injector.destroy();
      for (const s of sockets) s.destroy();
    },
  };
}
