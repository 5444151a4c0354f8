import * as http from 'node:http';
import { keepConnections } from '../http/app';
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { peerRefused, serverTlsOptions, type TlsConfig } from '../tls/tls-config';

/** The HTTP/2 connection preface every gRPC client opens with (RFC 9113 §3.4). */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

export interface MuxServer {
  port: number;
  host: string;
  /** Whether the connection at `peer` (grpc's getPeer(): `ip:port`, `[ip6]:port`) presented a certificate the cluster CA signed. */
  verifiedPeer(peer: string): boolean;
  close(): Promise<void>;
}

/** A socket's peer as grpc-js names it. */
export const peerOf = (s: net.Socket) => (s.remoteAddress?.includes(':') ? `[${s.remoteAddress}]:${s.remotePort}` : `${s.remoteAddress}:${s.remotePort}`);

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
  /** Serve TLS only (a plaintext client fails the handshake); a client certificate from another CA is refused. */
  tls?: TlsConfig;
  /** Told of each connection refused for a certificate the CA did not sign (the caller logs it). */
  onRefused?: (peer: string, why: string) => void;
}): Promise<MuxServer> {
  const httpServer = keepConnections(http.createServer(opts.httpHandler));
  const injector = opts.grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const sockets = new Set<net.Socket>();
  const verified = new Set<string>();

  const onSocket = (socket: net.Socket) => {
    if (socket instanceof tls.TLSSocket) {
      if (peerRefused(socket)) {
        opts.onRefused?.(peerOf(socket), String(socket.authorizationError));
        return void socket.destroy();
      }
      if (socket.authorized) {
        const peer = peerOf(socket);
        verified.add(peer);
        socket.on('close', () => verified.delete(peer));
      }
    }
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
      // The sniffed bytes go back into the socket's buffer: Node's HTTP/2 session takes what is
      // buffered before it reads from the native handle, and the HTTP/1.1 parser honours it too,
      // so both servers get the raw socket (no JS stream in the path of every byte).
      socket.pause();
      socket.unshift(head);
      if (isH2) {
        injector.injectConnection(socket);
      } else {
        httpServer.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  };
  const server = opts.tls ? tls.createServer(serverTlsOptions(opts.tls), onSocket) : net.createServer(onSocket);
  // A plaintext client or a failed handshake: the socket is gone; nothing to log per attempt.
  server.on('tlsClientError', (_err: Error, s: tls.TLSSocket) => s.destroy());

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
    verifiedPeer: (peer) => verified.has(peer),
    close: async () => {
      // server.close() waits for every connection to end: end them first (agents and frameworks
      // hold theirs open for good), then wait.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      httpServer.closeAllConnections();
      injector.destroy();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
