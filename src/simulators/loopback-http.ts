import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a simulator route answers: a status, headers, and a JSON body (or none). */
export interface JsonResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export function sendJson(res: ServerResponse, response: JsonResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  if (response.body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
  res.writeHead(response.status, headers);
  res.end(response.body === undefined ? undefined : JSON.stringify(response.body));
}

export async function readRaw(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A simulator's HTTP server on 127.0.0.1 only (never another interface: the simulators are for this
 * machine); `close` also ends kept-alive connections so a test's teardown does not wait on them.
 */
export async function listenOnLoopback(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port = 0,
): Promise<{ server: Server; origin: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    server,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
