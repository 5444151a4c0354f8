import { ManualClock } from '../time/clock';
import { Authenticator } from './authenticator';
import { TokenIssuer, TokenVerifier, generateTokenKeys } from './tokens';

describe('the cluster tokens', () => {
  const keys = generateTokenKeys();
  const clock = new ManualClock(1_800_000_000_000);
  const issuer = new TokenIssuer(keys.privateKey, clock, 60);
  const verifier = new TokenVerifier(keys.publicKey, clock);

  it('verify to the principal they were issued for, until they expire', async () => {
    const { token, expiresAt } = await issuer.issue('ops');
    expect(expiresAt).toBe(1_800_000_060_000);
    await expect(verifier.verify(token)).resolves.toEqual({ principal: 'ops', expiresAt });
    await expect(new Authenticator({ verifier }).principalOf(`token=${token}`)).resolves.toBe('ops');
    await expect(new Authenticator({ verifier }).principalOf(`Bearer ${token}`)).resolves.toBe('ops');
    // Seen again (from the verifier's cache) it still answers, until the token's own expiry.
    clock.advance(59_000);
    await expect(verifier.verify(token)).resolves.toEqual({ principal: 'ops', expiresAt });
    clock.advance(2_000);
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'the token has expired' });
  });

  it("refuse a token signed by another key, or changed after signing", async () => {
    const other = new TokenIssuer(generateTokenKeys().privateKey, clock);
    const foreign = (await other.issue('ops')).token;
    await expect(verifier.verify(foreign)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/not valid/) });
    const { token } = await issuer.issue('ops');
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ uid: 'admin', iss: 'strata', exp: 9_999_999_999 })).toString('base64url')}.${s}`;
    await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(verifier.verify('not-a-jwt')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
