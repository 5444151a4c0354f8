import { Authenticator } from './authenticator';
import { authorizationFor, presentedBy } from './authorization-header';
import { parseCredentials } from './credentials';

describe('credentials', () => {
  it("reads Mesos's JSON and text formats, service accounts with a public key", () => {
    const j = parseCredentials(JSON.stringify({ credentials: [{ principal: 'ops', secret: 's3cret' }, { principal: 'svc', public_key: 'PEM' }] }));
    expect([...j.values()]).toEqual([
      { principal: 'ops', secret: 's3cret', publicKey: undefined },
      { principal: 'svc', secret: undefined, publicKey: 'PEM' },
    ]);
    const t = parseCredentials('# team\nops s3cret\n\nmarathon marathonsecret\n');
    expect([...t.keys()]).toEqual(['ops', 'marathon']);
    expect(t.get('marathon')!.secret).toBe('marathonsecret');
  });

  it('refuses duplicates, missing secrets and malformed lines', () => {
    expect(() => parseCredentials('a x\na y')).toThrow(/line 2: principal 'a' is given twice/);
    expect(() => parseCredentials('a')).toThrow(/line 1: expected 'principal secret'/);
    expect(() => parseCredentials('{"credentials": [{"principal": "a"}]}')).toThrow(/neither a secret nor a public_key/);
    expect(() => parseCredentials('{"credentials": [{"principal": "a:b", "secret": "x"}]}')).toThrow(/without spaces or ':'/);
    expect(() => parseCredentials('{"credentials": ')).toThrow(/not JSON/);
    expect(() => parseCredentials('{}')).toThrow(/expected \{"credentials"/);
  });
});

describe('the Authorization header', () => {
  it('reads token=, Bearer and Basic, and writes them back', () => {
    expect(presentedBy('token=abc.def.ghi')).toEqual({ kind: 'token', token: 'abc.def.ghi' });
    expect(presentedBy('Bearer abc.def.ghi')).toEqual({ kind: 'token', token: 'abc.def.ghi' });
    const basic = authorizationFor({ kind: 'basic', principal: 'ops', secret: 'a:b c' });
    expect(presentedBy(basic)).toEqual({ kind: 'basic', principal: 'ops', secret: 'a:b c' });
    expect(presentedBy(authorizationFor({ kind: 'token', token: 't' }))).toEqual({ kind: 'token', token: 't' });
  });

  it('tells nothing from something malformed', () => {
    expect(presentedBy(undefined)).toBeUndefined();
    expect(presentedBy('')).toBeUndefined();
    expect(presentedBy('Digest x')).toBe('invalid');
    expect(presentedBy('Basic !!!')).toBe('invalid');
    expect(presentedBy(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBe('invalid');
    expect(presentedBy('Bearer')).toBe('invalid');
  });
});

describe('Authenticator with Basic credentials', () => {
  const auth = new Authenticator({ credentials: parseCredentials('ops s3cret\nsvc-only-key x') });
  const basic = (principal: string, secret: string) => authorizationFor({ kind: 'basic', principal, secret });

  it('knows a principal by its secret', async () => {
    await expect(auth.principalOf(basic('ops', 's3cret'))).resolves.toBe('ops');
    await expect(auth.principalOf(undefined)).resolves.toBeUndefined();
  });

  it('refuses a wrong secret, an unknown principal, a token it cannot check, a malformed header', async () => {
    await expect(auth.principalOf(basic('ops', 's3cre'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'invalid principal or secret' });
    await expect(auth.principalOf(basic('nobody', 's3cret'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(auth.principalOf('token=abc')).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/takes no tokens/) });
    await expect(auth.principalOf('Digest x')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
