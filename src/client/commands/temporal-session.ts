import net from 'node:net';
import os from 'node:os';
import type { Client } from '@temporalio/client';
import { ConfigError, loadConfig, type FerryConfig } from '../../config';
import { TemporalUnreachableError, connectClient } from '../../temporal/connection';
import { loginName } from './flags';

/**
 * How the device-facing commands reach Temporal: the address and credentials from the environment (as
 * the worker reads them), one client for the whole command, closed when it ends so the process exits.
 */

/** Where the commands connect: TEMPORAL_ADDRESS, or the embedded dev server the demo and worker use. */
function temporalAddress(config = loadConfig()): string {
  return config.temporal.address ?? `127.0.0.1:${config.devServer.port}`;
}

/**
 * A refused TCP connection is final, yet the gRPC client keeps retrying it for its whole connect
 * timeout (10 s). Checking the port first answers "nothing listens there" at once. Behind a proxy the
 * address need not be reachable directly, so the check is left to the client there.
 */
function probe(address: string): Promise<void> {
  const proxied = ['grpc_proxy', 'https_proxy', 'http_proxy'].some(
    (name) => process.env[name] || process.env[name.toUpperCase()],
  );
  let url: URL;
  try {
    url = new URL(`tcp://${address}`);
  } catch {
    return Promise.resolve();
  }
  const port = Number(url.port);
  if (proxied || !port) return Promise.resolve();
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    // A silent (filtered) port proves nothing: the client decides, with its own timeout.
    socket.setTimeout(3_000, () => {
      socket.destroy();
      resolve();
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (err) => {
      socket.destroy();
      reject(err);
    });
  });
}

/** gRPC errors can span lines (details, stack of the server); a CLI answers in one. */
function oneLine(err: unknown): Error {
  if (err instanceof Error && !err.message.includes('\n')) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new Error(message.split('\n')[0]!.trim());
}

/** A client connected from the configuration, and what it was connected with. */
export interface TemporalSession {
  client: Client;
  namespace: string;
  address: string;
  config: FerryConfig;
}

/**
 * The Temporal identity a program connects with, recorded by Temporal beside every update it sends (and
 * shown by `ferry audit`): which program, the OS login that ran it, the host and the process.
 */
export function temporalIdentity(program: 'ferry-cli' | 'ferry-console' | 'ferry-demo'): string {
  const login = loginName();
  return `${program}:${login ? `${login}@` : ''}${os.hostname()}:${process.pid}`;
}

/**
 * Connects from the configuration (TEMPORAL_*, the payload keys) as every command does; the caller
 * closes `client.connection`. A long-running program (the console) keeps one for its lifetime.
 */
export async function openTemporalSession(
  program: 'ferry-cli' | 'ferry-console' = 'ferry-cli',
): Promise<TemporalSession> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    // Names the bad keys (never their values), on one line like every other CLI error.
    if (err instanceof ConfigError) throw new Error(`invalid configuration: ${err.problems.join('; ')}`);
    throw err;
  }
  const address = temporalAddress(config);
  await probe(address).catch((err: unknown) => {
    throw new TemporalUnreachableError(address, err);
  });
  const client = await connectClient(config.temporal, address, config, temporalIdentity(program));
  return { client, namespace: config.temporal.namespace, address, config };
}

/** Connects from the configuration, runs the command's work, and always closes the connection. */
export async function withTemporal<T>(work: (client: Client, namespace: string) => Promise<T>): Promise<T> {
  const { client, namespace } = await openTemporalSession();
  try {
    return await work(client, namespace);
  } catch (err) {
    throw oneLine(err);
  } finally {
    await client.connection.close();
  }
}
