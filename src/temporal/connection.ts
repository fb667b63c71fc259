import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { FerryConfig, TemporalConfig } from '../config';
import { EncryptionCodec } from './codec/encryption-codec';

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

/**
 * How payloads are encoded for the Temporal server: encrypted when payload keys are configured (the
 * worker, the CLI, the demo and the codec server must agree), Temporal's default JSON otherwise. The
 * failure converter puts error messages and stack traces into payloads so they are encrypted too; the
 * worker bundles it into the workflows through `failureConverterPath`.
 */
export function dataConverterFor(config: Pick<FerryConfig, 'payloadKeys'>): DataConverter | undefined {
  if (!config.payloadKeys) return undefined;
  return {
    payloadCodecs: [new EncryptionCodec(config.payloadKeys)],
    failureConverterPath: require.resolve('./codec/failure-converter'),
  };
}

/**
 * A client on `address`; with `codec.payloadKeys` set it encrypts what it sends and decrypts answers.
 * `identity`: what Temporal records as the caller of each request (the SDK's default is `pid@host`).
 */
export async function connectClient(
  config: TemporalConfig,
  address: string,
  codec: Pick<FerryConfig, 'payloadKeys'> = {},
  identity?: string,
): Promise<Client> {
  const dataConverter = dataConverterFor(codec);
  try {
    const connection = await Connection.connect({
      ...connectionOptions(config, address),
      connectTimeout: 10_000,
    });
    return new Client({
      connection,
      namespace: config.namespace,
      dataConverter,
      ...(identity ? { identity } : {}),
    });
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
