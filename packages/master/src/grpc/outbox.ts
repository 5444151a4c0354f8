import type * as grpc from '@grpc/grpc-js';
import { coalescingSender, type BatchKind } from '@strata/lib';
import type { Outbox } from '../registry';

/** The part of grpc-js's server call under its stream that sends one message (serialize, frame, write). */
interface MessageSender {
  sendMessage(message: unknown, done: () => void): void;
}

/**
 * grpc-js's server stream hands HTTP/2 one message per write completion, which comes a turn of
 * the event loop later: a stream carrying thousands of status updates a second to a framework
 * is then capped by how often a busy master's loop turns (the updates queued and left in bursts
 * in the scale benchmark). With a `_writev`, Node's Writable passes every message buffered behind
 * the one in flight at once, and they go to HTTP/2 (which has its own writev) together. Order is
 * kept: they are sent in the order buffered. Only the server side: grpc-js's client call keeps a
 * single pending message before it is connected, so it must not be written to concurrently.
 */
function sendBufferedTogether(call: object): void {
  const sender = (call as { call?: Partial<MessageSender> }).call;
  if (typeof sender?.sendMessage !== 'function') return; // another grpc-js: keep its own pace
  const send = sender.sendMessage.bind(sender);
  (call as { _writev?: unknown })._writev = (chunks: { chunk: unknown }[], done: () => void) => {
    let left = chunks.length;
    for (const { chunk } of chunks) send(chunk, () => --left === 0 && done());
  };
}

/** An Outbox over a server-side stream: writes after the stream ended are dropped, not thrown. */
export function streamOutbox<T>(call: grpc.ServerWritableStream<unknown, T> | grpc.ServerDuplexStream<unknown, T>): Outbox<T> {
  let open = true;
  const closeOnce = () => { open = false; };
  call.on('close', closeOnce);
  call.on('finish', closeOnce);
  call.on('error', closeOnce);
  call.on('cancelled', closeOnce);
  sendBufferedTogether(call);
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

/**
 * An Outbox whose messages of `kind` sent in one turn leave as one message, in order (a lone one
 * as itself); closing sends what is queued first.
 */
export function coalescingOutbox<T, I>(raw: Outbox<T>, kind: BatchKind<T, I>): Outbox<T> {
  const send = coalescingSender(raw.send, kind);
  return {
    send,
    close: () => {
      send.flush();
      raw.close();
    },
  };
}
