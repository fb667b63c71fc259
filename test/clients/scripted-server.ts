/**
 * A loopback HTTP server answering each route with a script of faults and answers, in turn, for the
 * client retry tests: the simulators draw faults at random, these tests need "a 503, then the answer".
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP status (JSON `{}` body), a full answer, a reset socket, or no answer at all. An answer's `raw`
 * is sent as is instead of `body` as JSON (a truncated or non-JSON body); `stall` sends the status, the
 * headers and `raw`, then nothing more, without ending the response.
 */
export type Step =
  | number
  | 'reset'
  | 'hang'
  | {
      status: number;
      body?: unknown;
      raw?: string | Buffer;
      stall?: boolean;
      headers?: Record<string, string>;
    };

export interface ScriptedServer {
  url: string;
  /** Answers `METHOD /path` (no query) with `steps` in turn; the last one repeats. */
  script(route: string, ...steps: Step[]): void;
  /** The routes of every request received, in order (optionally only those of `route`). */
  requests(route?: string): string[];
  close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const scripts = new Map<string, Step[]>();
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const route = `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`;
    seen.push(route);
    req.resume();
    req.on('end', () => {
      const steps = scripts.get(route);
      const step = steps === undefined ? 404 : steps.length > 1 ? steps.shift()! : steps[0]!;
      if (step === 'reset') return req.socket.destroy();
      if (step === 'hang') return;
      const answer = typeof step === 'number' ? { status: step, body: {} } : step;
      const body = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
      res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
      if (answer.stall) res.write(body);
      else res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    script: (route, ...steps) => {
      scripts.set(route, steps);
    },
    requests: (route) => seen.filter((r) => route === undefined || r === route),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
