import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';

/** What a simulator route answers: a status, headers, and a JSON body (or none). */
export interface JsonResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export function sendJson(reply: FastifyReply, response: JsonResponse): FastifyReply {
  reply.code(response.status);
  if (response.headers) reply.headers(response.headers);
  if (response.body === undefined) return reply.send();
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(response.body));
}

/**
 * The body exactly as the client sent it ('' when none). Every content type arrives as text, an empty
 * one included, because each simulator reads bodies the way its vendor does (and after its own
 * authentication), not the way fastify's JSON parser would.
 */
export function rawBody(request: FastifyRequest): string {
  return typeof request.body === 'string' ? request.body : '';
}

/** Path and query of the request, as the clients wrote them. */
export function requestUrl(request: FastifyRequest): URL {
  return new URL(request.url, 'http://simulator');
}

export interface LoopbackServerOptions {
  port?: number;
  /** Whether paths match only in their exact letter case (Workspace ONE's match in any). */
  caseSensitive?: boolean;
  /** Whether `/path/` is `/path` (the Workspace ONE and Apple simulators always allowed it). */
  ignoreTrailingSlash?: boolean;
  /** The answer when a route or hook throws. */
  onError(err: unknown): JsonResponse;
  /** The answer to a path no route serves. */
  notFound(): JsonResponse;
  routes(app: FastifyInstance): void;
}

export interface LoopbackServer {
  origin: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A simulator's HTTP server on 127.0.0.1 only (never another interface: the simulators are for this
 * machine). `close` also ends kept-alive and deliberately hung connections so a test's teardown does
 * not wait on them.
 */
export async function listenOnLoopback(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const app = Fastify({
    forceCloseConnections: true,
    return503OnClosing: false,
    // The vendors' APIs have no HEAD routes, and bulk bodies are not capped as fastify's 1 MiB would.
    exposeHeadRoutes: false,
    bodyLimit: 2 ** 30,
    keepAliveTimeout: 5_000,
    routerOptions: {
      caseSensitive: options.caseSensitive ?? true,
      ignoreTrailingSlash: options.ignoreTrailingSlash ?? false,
      maxParamLength: 1_000,
    },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.setErrorHandler((err, _request, reply) => sendJson(reply, options.onError(err)));
  app.setNotFoundHandler((_request, reply) => sendJson(reply, options.notFound()));
  options.routes(app);
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return { origin: `http://127.0.0.1:${port}`, port, close: () => app.close() };
}
