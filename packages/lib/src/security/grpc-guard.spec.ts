import { PassThrough } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { Authenticator } from './authenticator';
import { authorizationFor } from './authorization-header';
import { parseCredentials } from './credentials';
import { authenticatedStream, metadataWith, principalOfCall } from './grpc-guard';

describe('gRPC authentication', () => {
  const security = { authenticator: new Authenticator({ credentials: parseCredentials('agent s3cret') }) };
  const good = authorizationFor({ kind: 'basic', principal: 'agent', secret: 's3cret' });
  const bad = authorizationFor({ kind: 'basic', principal: 'agent', secret: 'nope' });

  it('reads the principal from the authorization metadata; nothing or something wrong is UNAUTHENTICATED', async () => {
    await expect(principalOfCall(security, metadataWith(good))).resolves.toBe('agent');
    await expect(principalOfCall(security, metadataWith(undefined))).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/authentication required/) });
    await expect(principalOfCall(security, metadataWith(bad))).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'invalid principal or secret' });
    // Without security every call is anonymous and allowed, whatever it carries.
    await expect(principalOfCall(undefined, metadataWith(bad))).resolves.toBeUndefined();
  });

  it('holds a stream paused until its credentials are checked, so no message is read before', async () => {
    const stream = Object.assign(new PassThrough({ objectMode: true }), { metadata: metadataWith(good) }) as unknown as grpc.ServerDuplexStream<unknown, unknown> & PassThrough;
    const seen: unknown[] = [];
    const accepted = new Promise<string | undefined>((resolve, reject) =>
      authenticatedStream(security, stream, (p) => {
        stream.on('data', (m) => seen.push(m));
        resolve(p);
      }, reject),
    );
    stream.write('hello'); // written before the check ends: held, not lost
    expect(seen).toEqual([]);
    await expect(accepted).resolves.toBe('agent');
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['hello']);
  });

  it('refuses a stream with wrong credentials and never hands it over', async () => {
    const stream = Object.assign(new PassThrough({ objectMode: true }), { metadata: metadataWith(bad) }) as unknown as grpc.ServerDuplexStream<unknown, unknown>;
    let handed = false;
    const refused = await new Promise<unknown>((resolve) => authenticatedStream(security, stream, () => (handed = true), resolve));
    expect(refused).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(handed).toBe(false);
  });
});
