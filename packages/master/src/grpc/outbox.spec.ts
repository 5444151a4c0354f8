import * as grpc from '@grpc/grpc-js';
import { streamOutbox } from './outbox';

// A bare bidi service over raw bytes: the outbox is tested on a real grpc-js server and client.
const same = (b: Buffer) => b;
const service: grpc.ServiceDefinition = {
  Stream: { path: '/test.T/Stream', requestStream: true, responseStream: true, requestSerialize: same, requestDeserialize: same, responseSerialize: same, responseDeserialize: same, originalName: 'Stream' },
};

describe('streamOutbox', () => {
  let server: grpc.Server;
  let client: grpc.Client & { Stream(): grpc.ClientDuplexStream<Buffer, Buffer> };
  let turns: Promise<number>;
  const N = 5_000;

  beforeAll(async () => {
    server = new grpc.Server();
    turns = new Promise((resolve) => {
      server.addService(service, {
        Stream: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
          const out = streamOutbox(call);
          for (let i = 0; i < N; i++) out.send(Buffer.from(String(i)));
          // Event-loop turns until grpc-js has handed every message to HTTP/2.
          let n = 0;
          const tick = () => (call.writableLength === 0 ? resolve(n) : (n++, setImmediate(tick)));
          tick();
        },
      });
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const Client = grpc.makeGenericClientConstructor(service, 'T');
    client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as typeof client;
  });

  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  it('sends a burst in order, buffered messages together rather than one per event-loop turn', async () => {
    const stream = client.Stream();
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (b: Buffer) => {
        got.push(b.toString());
        if (got.length === N) resolve();
      });
      stream.on('error', reject);
    });
    expect(got).toEqual(Array.from({ length: N }, (_, i) => String(i)));
    // One message per write completion would take about N turns.
    expect(await turns).toBeLessThan(N / 50);
    stream.cancel();
  });
});
