import { defaultPayloadConverter } from '@temporalio/common';
import { isLoopbackHost } from '../../src/config/loopback';
import { createCodecServer } from '../../src/temporal/codec/codec-server';
import { EncryptionCodec } from '../../src/temporal/codec/encryption-codec';
import { toRemote } from '../../src/temporal/codec/remote-payloads';
import { testKeys } from './keys';

const TOKEN = 'test-token-0123456789abcdef';
const UI = 'http://localhost:8233';
const codec = new EncryptionCodec(testKeys('k1'));
const server = createCodecServer({ codec, origins: [UI], token: TOKEN });
afterAll(() => server.close());

const EMAIL = 'jane.doe@corp.example';
const auth = { authorization: `Bearer ${TOKEN}` };

async function encryptedBody() {
  return toRemote(await codec.encode([defaultPayloadConverter.toPayload({ userEmail: EMAIL })]));
}

function decoded(body: string): unknown[] {
  const { payloads } = JSON.parse(body) as ReturnType<typeof toRemote>;
  return payloads.map((p) =>
    defaultPayloadConverter.fromPayload({
      metadata: Object.fromEntries(
        Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
      ),
      data: Buffer.from(p.data!, 'base64'),
    }),
  );
}

describe('ferry codec-server (in process)', () => {
  test('when the Web UI posts encrypted payloads with the token, then /decode answers them decrypted', async () => {
    const res = await server.inject({
      method: 'POST',
      url: '/decode',
      headers: { ...auth, origin: UI, 'x-namespace': 'default' },
      payload: await encryptedBody(),
    });
    expect(res.statusCode).toBe(200);
    expect(decoded(res.body)).toEqual([{ userEmail: EMAIL }]);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
  });

  test('when the CLI templates the namespace into the path, then /{namespace}/decode answers too', async () => {
    const res = await server.inject({
      method: 'POST',
      url: '/default/decode',
      headers: auth,
      payload: await encryptedBody(),
    });
    expect(res.statusCode).toBe(200);
    expect(decoded(res.body)).toEqual([{ userEmail: EMAIL }]);
  });

  test('when /encode is called, then its answer is encrypted and /decode reads it back', async () => {
    const plain = toRemote([defaultPayloadConverter.toPayload('hello')]);
    const enc = await server.inject({ method: 'POST', url: '/encode', headers: auth, payload: plain });
    expect(enc.statusCode).toBe(200);
    expect(enc.body).not.toContain(Buffer.from('"hello"').toString('base64'));
    const dec = await server.inject({
      method: 'POST',
      url: '/decode',
      headers: auth,
      payload: JSON.parse(enc.body) as object,
    });
    expect(decoded(dec.body)).toEqual(['hello']);
  });

  test('when the token is missing or wrong, then it answers 401 and decrypts nothing', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: TOKEN },
    ]) {
      const res = await server.inject({
        method: 'POST',
        url: '/decode',
        headers: { ...headers, origin: UI },
        payload: await encryptedBody(),
      });
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain('jane');
      // The browser still gets CORS headers, so it can show why.
      expect(res.headers['access-control-allow-origin']).toBe(UI);
    }
  });

  test('when the browser sends a preflight from the Web UI origin, then it is allowed with credentials', async () => {
    const res = await server.inject({
      method: 'OPTIONS',
      url: '/decode',
      headers: {
        origin: UI,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace,authorization',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': UI,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'Content-Type, X-Namespace, Authorization',
      'access-control-allow-credentials': 'true',
    });
  });

  test('when another origin asks, then no CORS header lets its page read the answer', async () => {
    const pre = await server.inject({
      method: 'OPTIONS',
      url: '/decode',
      headers: { origin: 'http://evil.example' },
    });
    expect(pre.statusCode).toBe(403);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const post = await server.inject({
      method: 'POST',
      url: '/decode',
      headers: { ...auth, origin: 'http://evil.example' },
      payload: { payloads: [] },
    });
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('when the body is not the codec protocol, then it answers 400 naming the field', async () => {
    const res = await server.inject({
      method: 'POST',
      url: '/decode',
      headers: auth,
      payload: { payloads: [{ data: 'not base64!' }] },
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: 'payloads.0.data: must be base64' });
    const none = await server.inject({
      method: 'POST',
      url: '/decode',
      headers: auth,
      payload: { nothing: 1 },
    });
    expect(none.statusCode).toBe(400);
  });

  test('when a payload names an unknown key id, then it answers 400 naming the id', async () => {
    const other = toRemote(
      await new EncryptionCodec(testKeys('k-gone')).encode([defaultPayloadConverter.toPayload(1)]),
    );
    const res = await server.inject({ method: 'POST', url: '/decode', headers: auth, payload: other });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toContain('"k-gone"');
  });

  test('when a browser signs in with the token, then its session cookie authorizes /decode', async () => {
    const wrong = await server.inject({
      method: 'POST',
      url: '/login',
      payload: 'token=nope',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrong.statusCode).toBe(401);
    const login = await server.inject({
      method: 'POST',
      url: '/login',
      payload: `token=${encodeURIComponent(TOKEN)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    expect(cookie).not.toContain(TOKEN);
    const res = await server.inject({
      method: 'POST',
      url: '/decode',
      headers: { cookie, origin: UI },
      payload: await encryptedBody(),
    });
    expect(res.statusCode).toBe(200);
    expect(decoded(res.body)).toEqual([{ userEmail: EMAIL }]);
  });

  test('when a host is checked for --insecure-no-auth, then only loopback passes', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'].map(isLoopbackHost)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['0.0.0.0', '192.168.1.2', '::', 'example.com'].map(isLoopbackHost)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
