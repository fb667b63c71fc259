import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AxiosError } from 'axios';
import { z } from 'zod';
import {
  CLIENT_ERROR_TYPES,
  InvalidRequestError,
  InvalidResponseError,
  NON_RETRYABLE_CLIENT_ERROR_TYPES,
  NotFoundError,
  RateLimitedError,
  TransientError,
  UnauthorizedError,
  isFerryClientError,
} from '../../src/services/shared/errors';
import {
  createHttpClient,
  networkError,
  parseBody,
  parseRetryAfter,
  statusError,
} from '../../src/services/shared/http';

const ctx = { service: 'Example', method: 'GET', path: '/v1/things' };

describe('error types', () => {
  it('when the lists are read, then they name every type and only the non-retryable ones', () => {
    expect(CLIENT_ERROR_TYPES).toEqual([
      'NotFound',
      'Unauthorized',
      'RateLimited',
      'Transient',
      'InvalidRequest',
      'InvalidResponse',
    ]);
    expect(NON_RETRYABLE_CLIENT_ERROR_TYPES).toEqual(['NotFound', 'Unauthorized', 'InvalidRequest']);
  });

  it('when an error is built, then name equals type and the message names service, method and path', () => {
    const err = new NotFoundError(ctx, 'HTTP 404', { status: 404 });
    expect(err).toBeInstanceOf(Error);
    expect(isFerryClientError(err)).toBe(true);
    expect(err).toMatchObject({
      name: 'NotFound',
      type: 'NotFound',
      service: 'Example',
      method: 'GET',
      status: 404,
    });
    expect(err.message).toBe('Example GET /v1/things: HTTP 404');
    expect(isFerryClientError(new Error('x'))).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('when given seconds, then milliseconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('when given an HTTP date, then the time until it (never negative)', () => {
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(parseRetryAfter(new Date(now - 5_000).toUTCString(), now)).toBe(0);
  });

  it('when missing or unreadable, then undefined', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('statusError', () => {
  const cases: [number, new (...args: never[]) => Error][] = [
    [400, InvalidRequestError],
    [401, UnauthorizedError],
    [403, InvalidRequestError],
    [404, NotFoundError],
    [409, InvalidRequestError],
    [422, InvalidRequestError],
    [429, RateLimitedError],
    [500, TransientError],
    [503, TransientError],
    [304, InvalidResponseError],
  ];
  it.each(cases)('when the status is %i, then the mapped type', (status, type) => {
    expect(statusError({ status, headers: {}, data: '' }, ctx)).toBeInstanceOf(type);
  });

  it('when a 429 has no Retry-After, then the default delay; with one, that delay', () => {
    const withHeader = statusError({ status: 429, headers: { 'retry-after': '7' }, data: '' }, ctx);
    const without = statusError({ status: 429, headers: {}, data: '' }, ctx, { defaultRetryAfterMs: 1234 });
    expect((withHeader as RateLimitedError).retryAfterMs).toBe(7000);
    expect((without as RateLimitedError).retryAfterMs).toBe(1234);
  });

  it('when the error body has a code and trace id, then they are kept but free text is not', () => {
    const err = statusError({ status: 400, headers: {}, data: { message: 'user jane@x.example bad' } }, ctx, {
      readErrorInfo: () => ({ code: 'BAD', requestId: 'r-1' }),
    });
    expect(err.message).toBe('Example GET /v1/things: HTTP 400 (errorCode BAD, requestId r-1)');
    expect(err).toMatchObject({ remoteCode: 'BAD', requestId: 'r-1' });
  });
});

describe('networkError', () => {
  it.each([
    ['ETIMEDOUT', 'no response within 500 ms'],
    ['ECONNABORTED', 'no response within 500 ms'],
    ['ECONNRESET', 'connection reset'],
    ['ECONNREFUSED', 'network error (ECONNREFUSED)'],
  ])('when axios fails with %s, then Transient', (code, text) => {
    const err = networkError(new AxiosError('boom', code), ctx, 500);
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toContain(text);
    expect(err.cause).toBeUndefined();
  });
});

describe('parseBody', () => {
  const schema = z.object({ Users: z.array(z.object({ Email: z.string(), Id: z.number() })) });

  it('when the body fits, then the parsed value', () => {
    expect(parseBody(schema, { Users: [{ Email: 'a@b', Id: 1, Extra: true }] }, ctx)).toEqual({
      Users: [{ Email: 'a@b', Id: 1 }],
    });
  });

  it('when a field has the wrong type, then InvalidResponse naming the path and never the value', () => {
    const err = (() => {
      try {
        parseBody(
          schema,
          {
            Users: [
              { Email: 'ok@x', Id: 1 },
              { Email: 42, Id: 'secret-ish' },
            ],
          },
          ctx,
        );
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a throw');
    })();
    expect(err).toBeInstanceOf(InvalidResponseError);
    expect(err.message).toBe(
      'Example GET /v1/things: Users.1.Email: expected string; Users.1.Id: expected number',
    );
    expect(err.message).not.toContain('secret-ish');
  });

  it('when the body is empty, then InvalidResponse at the body', () => {
    expect(() => parseBody(schema, '', ctx)).toThrow('Example GET /v1/things: (body): expected object');
  });
});

describe('createHttpClient', () => {
  let server: http.Server;
  let baseURL: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.startsWith('/ok'))
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"a":1}');
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('when a request succeeds, then the response; when it fails, then a typed error without the query', async () => {
    const client = createHttpClient({ service: 'Example', baseURL, timeoutMs: 1000 });
    expect((await client.send({ method: 'GET', path: '/ok' })).data).toEqual({ a: 1 });
    const err = await client
      .send({ method: 'GET', path: '/missing', query: { email: 'jane@x.example' } })
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe('Example GET /missing: HTTP 404');
  });

  it('when nothing listens, then Transient', async () => {
    const client = createHttpClient({ service: 'Example', baseURL: 'http://127.0.0.1:1', timeoutMs: 1000 });
    await expect(client.send({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(TransientError);
  });
});
