import { ConfigError, loadConfig, type FerryConfig } from '../../config';
import { PAYLOAD_KEYS_ENV } from '../../config/payload-keys';
import { isLoopbackHost } from '../../config/loopback';
import { createCodecServer } from '../../temporal/codec/codec-server';
import { normalizeOrigin } from '../../temporal/codec/cors';
import { EncryptionCodec } from '../../temporal/codec/encryption-codec';
import { EXIT_OK, UsageError, type Command } from './command';
import { stringFlag } from './flags';

/** `ferry codec-server`: Temporal's remote codec endpoint over Ferry's payload keys. */

const USAGE = `Usage: ferry codec-server [--port 8888] [--host 127.0.0.1] [--origin URL ...] [--insecure-no-auth]

Serves Temporal's codec protocol (POST /encode, POST /decode, also under /{namespace}/) with the
payload keys of FERRY_PAYLOAD_KEYS or FERRY_PAYLOAD_KEYS_FILE, so that the Temporal Web UI and the
temporal CLI show encrypted histories decrypted. Requests need the token of FERRY_CODEC_SERVER_TOKEN:
  temporal workflow show -w ID --codec-endpoint http://127.0.0.1:8888 \\
    --codec-auth "Bearer $FERRY_CODEC_SERVER_TOKEN"
In the Web UI (Configure data encoder): set the codec endpoint to this server, sign the browser in
once at http://localhost:8888/login and turn on "Include cross-origin credentials".

Options:
      --port N            port to listen on (default 8888; 0: any free port)
      --host HOST         address to listen on (default 127.0.0.1, this machine only)
      --origin URL        a Web UI origin allowed to call from the browser, repeatable
                          (default http://localhost:8233 and http://127.0.0.1:8233)
      --insecure-no-auth  no token: allowed only when listening on loopback
  -h, --help              show this help

Runs until interrupted (Ctrl-C). Exit codes: 0 stopped, 1 cannot start, 2 bad usage.`;

/** `--port N`: 1 to 65535, or 0 for any free port (tests; the line printed names the one taken). */
function portFlag(values: Record<string, unknown>): number {
  const text = stringFlag(values as Parameters<typeof stringFlag>[0], 'port');
  if (text === undefined) return 8888;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port: "${text}" is not a port`);
  return port;
}

const DEFAULT_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];

function configOrThrow(): FerryConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(`invalid configuration: ${err.problems.join('; ')}`);
    throw err;
  }
}

function origins(values: Record<string, unknown>): string[] {
  const given = values.origin as string[] | undefined;
  if (!given || given.length === 0) return DEFAULT_ORIGINS;
  return given.map((text) => {
    try {
      return normalizeOrigin(text);
    } catch {
      throw new UsageError(`--origin: "${text}" is not an origin such as http://localhost:8233`);
    }
  });
}

/** Resolves on SIGINT or SIGTERM. */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const codecServerCommand: Command = {
  usage: USAGE,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    origin: { type: 'string', multiple: true },
    'insecure-no-auth': { type: 'boolean' },
  },

  async run({ values }, io) {
    const port = portFlag(values);
    const host = stringFlag(values, 'host') ?? '127.0.0.1';
    const allowed = origins(values);
    const insecure = values['insecure-no-auth'] === true;
    // Loopback only: --insecure-no-auth must not open the decryption of every history to a network.
    if (insecure && !isLoopbackHost(host)) {
      throw new UsageError('--insecure-no-auth: only with a loopback --host (127.0.0.1, ::1, localhost)');
    }
    const config = configOrThrow();
    if (!config.payloadKeys) {
      throw new Error(
        `no payload keys: set ${PAYLOAD_KEYS_ENV.list} or ${PAYLOAD_KEYS_ENV.file} (see ferry codec-key)`,
      );
    }
    const token = insecure ? undefined : config.codecServerToken;
    if (!insecure && !token) {
      throw new Error(
        `${PAYLOAD_KEYS_ENV.codecServerToken} is unset: set a token of 16 characters or more (openssl rand -hex 32 makes one), ` +
          'or pass --insecure-no-auth on a loopback --host',
      );
    }
    const server = createCodecServer({
      codec: new EncryptionCodec(config.payloadKeys),
      origins: allowed,
      token,
    });
    const stop = interrupted();
    await server.listen({ host, port });
    const bound = server.server.address();
    const actualPort = typeof bound === 'object' && bound ? bound.port : port;
    const where = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
    io.out(
      `ferry codec-server: listening on ${where} (keys: ${[...config.payloadKeys.keys.keys()].join(', ')}; ` +
        `origins: ${allowed.join(', ')}${token ? '' : '; NO AUTHENTICATION'})`,
    );
    await stop;
    await server.close();
    return EXIT_OK;
  },
};
