import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalConfig } from '../config';

type TlsOption = ConnectionOptions['tls'];

function tlsOptions(config: TemporalConfig): TlsOption {
  const tls = config.tls;
  if (!tls) return undefined;
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: tls.serverCaCertPath ? readFileSync(tls.serverCaCertPath) : undefined,
    clientCertPair:
      tls.clientCertPath && tls.clientKeyPath
        ? { crt: readFileSync(tls.clientCertPath), key: readFileSync(tls.clientKeyPath) }
        : undefined,
  };
}

/** Connection options shared by the client and the worker; an API key switches TLS on by itself. */
function connectionOptions(config: TemporalConfig, address: string) {
  return {
    address,
    tls: tlsOptions(config),
    ...(config.apiKey ? { apiKey: config.apiKey, metadata: { 'temporal-namespace': config.namespace } } : {}),
  };
}

export class TemporalUnreachableError extends Error {
  readonly type = 'TemporalUnreachable';
  constructor(address: string, cause: unknown) {
    super(
      `Cannot reach Temporal at ${address}: ${(cause as Error)?.message?.split('\n')[0] ?? String(cause)}`,
    );
  }
}

export async function connectClient(config: TemporalConfig, address: string): Promise<Client> {
  try {
    const connection = await Connection.connect({
      ...connectionOptions(config, address),
      connectTimeout: 10_000,
    });
    return new Client({ connection, namespace: config.namespace });
  } catch (err) {
    throw new TemporalUnreachableError(address, err);
  }
}

export async function connectWorker(config: TemporalConfig, address: string): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(connectionOptions(config, address));
  } catch (err) {
    throw new TemporalUnreachableError(address, err);
  }
}
