import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { CodecAccess, SESSION_COOKIE } from './access';
import { corsHeaders, preflightHeaders } from './cors';
import { fromRemote, remotePayloadsSchema, toRemote } from './remote-payloads';

/**
 * Ferry's codec server: Temporal's remote codec protocol over Ferry's payload codec, so that the Web UI
 * and `temporal workflow show --codec-endpoint … --codec-auth …` show encrypted histories decrypted
 * (docs.temporal.io/codec-server; docs.temporal.io/production-deployment/data-encryption, "Codec Server
 * setup"). `POST /encode` and `POST /decode`, also under a namespace segment (`/{namespace}/decode`),
 * which the CLI's `--codec-endpoint 'http://host:8888/{namespace}'` templating asks for
 * (docs.temporal.io/production-deployment/temporal-proxy/codec-server). The namespace otherwise comes in
 * the `X-Namespace` header; Ferry's keys do not depend on it. Decrypted payloads reach the caller only:
 * nothing about a payload is logged.
 */

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** The Web UI origins allowed to call from the browser, e.g. `http://localhost:8233`. */
  origins: readonly string[];
  /** The bearer token; undefined only for `--insecure-no-auth` on loopback. */
  token: string | undefined;
}

/** History pages the Web UI decodes can hold many payloads of up to 2 MB each. */
const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

const namespaceSchema = z.string().trim().min(1).max(255).optional();

const LOGIN_PAGE = `<!doctype html>
<meta charset="utf-8"><title>Ferry codec server</title>
<form method="post" action="/login">
  <p>Sign this browser in to Ferry's codec server (FERRY_CODEC_SERVER_TOKEN), then turn on
  "Include cross-origin credentials" in the Web UI's codec server settings.</p>
  <input type="password" name="token" autocomplete="off" autofocus> <button>Sign in</button>
</form>`;

export function createCodecServer(options: CodecServerOptions): FastifyInstance {
  const access = new CodecAccess(options.token);
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  // CORS headers on every answer, the 401 included, so the browser can show why it failed.
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(corsHeaders(request.headers.origin, options.origins));
  });

  app.options('/*', async (request, reply) => {
    const headers = preflightHeaders(request.headers.origin, options.origins);
    if (!headers)
      return reply.code(403).send({ error: 'origin not allowed (see ferry codec-server --origin)' });
    return reply.code(204).headers(headers).send();
  });

  const codecRoute =
    (direction: 'encode' | 'decode') => async (request: FastifyRequest, reply: FastifyReply) => {
      if (!access.allows(request.headers)) {
        return reply
          .code(401)
          .header('WWW-Authenticate', 'Bearer realm="ferry-codec-server"')
          .send({ error: 'missing or wrong token (Authorization: Bearer <FERRY_CODEC_SERVER_TOKEN>)' });
      }
      const params = request.params as { namespace?: string };
      const namespace = namespaceSchema.safeParse(params.namespace ?? request.headers['x-namespace']);
      if (!namespace.success) return reply.code(400).send({ error: 'X-Namespace: not a namespace' });
      const body = remotePayloadsSchema.safeParse(request.body);
      if (!body.success) {
        const issue = body.error.issues[0]!;
        return reply.code(400).send({ error: `${issue.path.join('.') || 'body'}: ${issue.message}` });
      }
      try {
        const payloads = await options.codec[direction](fromRemote(body.data));
        return reply.code(200).send(toRemote(payloads));
      } catch (err) {
        // The codec's errors name a key id at most, never a payload's content.
        return reply.code(400).send({ error: (err as Error).message });
      }
    };
  for (const direction of ['encode', 'decode'] as const) {
    app.post(`/${direction}`, codecRoute(direction));
    app.post(`/:namespace/${direction}`, codecRoute(direction));
  }

  app.get('/login', async (_request, reply) => reply.type('text/html; charset=utf-8').send(LOGIN_PAGE));
  app.post('/login', async (request, reply) => {
    const token = (request.body as { token?: unknown } | undefined)?.token;
    if (access.open || typeof token !== 'string' || !access.tokenMatches(token)) {
      return reply.code(401).type('text/plain').send('wrong token');
    }
    // SameSite=Strict: sent by the Web UI's page when it is on the same site (host) as this server.
    return reply
      .header('Set-Cookie', `${SESSION_COOKIE}=${access.sessionValue()}; HttpOnly; SameSite=Strict; Path=/`)
      .type('text/plain')
      .send('Signed in: the Web UI can now decode payloads with cross-origin credentials included.');
  });
  return app;
}
