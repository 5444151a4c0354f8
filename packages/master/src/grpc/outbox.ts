import type * as grpc from '@grpc/grpc-js';
import type { Outbox } from '../registry';

/** An Outbox over a server-side stream: writes after the stream ended are dropped, not thrown. */
export function streamOutbox<T>(call: grpc.ServerWritableStream<unknown, T> | grpc.ServerDuplexStream<unknown, T>): Outbox<T> {
  let open = true;
  const closeOnce = () => { open = false; };
  call.on('close', closeOnce);
  call.on('finish', closeOnce);
  call.on('error', closeOnce);
  call.on('cancelled', closeOnce);
  return {
    send(msg: T) {
      if (!open) return;
      call.write(msg);
    },
    close() {
      if (!open) return;
      open = false;
      call.end();
    },
  };
}
