import { startDevServer, type DevServer } from '../src/temporal/dev-server';
import { freePort } from '../src/temporal/free-port';
import { alive, sleep, type Children } from './children';

/**
 * The run's own Temporal dev server: a fresh SQLite file in the run's state folder on a free port,
 * never one that already answers. `kill` is a SIGKILL (no shutdown, as a crash or an OOM kill);
 * `restart` starts it again on the same file and port, where the worker and the CLI reconnect.
 */
export class ChaosTemporalServer {
  private server?: DevServer;

  private constructor(
    private readonly children: Children,
    private readonly options: { stateDir: string; port: number; cliPath?: string },
  ) {}

  static async start(children: Children, stateDir: string): Promise<ChaosTemporalServer> {
    const server = new ChaosTemporalServer(children, {
      stateDir,
      port: await freePort(),
      cliPath: process.env.TEMPORAL_CLI_PATH,
    });
    await server.launch();
    return server;
  }

  get address(): string {
    return `127.0.0.1:${this.options.port}`;
  }

  private async launch(): Promise<void> {
    const server = await startDevServer({
      ...this.options,
      uiPort: false,
      dbFile: 'temporal.sqlite',
      startTimeoutMs: 120_000,
    });
    if (server.reused || server.pid === undefined) {
      await server.stop();
      throw new Error(
        `another Temporal server answers on ${this.address}, or no temporal CLI was found (the SDK's ` +
          'download cannot be killed by pid): set TEMPORAL_CLI_PATH',
      );
    }
    this.children.adopt(server.pid);
    this.server = server;
  }

  /** SIGKILL, then wait until the process is gone. */
  async kill(): Promise<void> {
    const pid = this.server?.pid;
    if (pid === undefined) return;
    process.kill(pid, 'SIGKILL');
    while (alive(pid)) await sleep(50);
    this.children.forget(pid);
    this.server = undefined;
  }

  async restart(): Promise<void> {
    await this.launch();
  }

  async stop(): Promise<void> {
    const pid = this.server?.pid;
    await this.server?.stop();
    if (pid !== undefined) this.children.forget(pid);
    this.server = undefined;
  }
}
