import type { Payload } from '@temporalio/common';
import { z } from 'zod';

/**
 * The body of Temporal's remote codec protocol (docs.temporal.io/codec-server): `POST /encode` and
 * `POST /decode` take and answer `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`, the proto
 * JSON form of `temporal.api.common.v1.Payloads`. Parsed here, at the boundary, before a byte reaches the
 * codec.
 */

const base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64')
  .transform((text) => new Uint8Array(Buffer.from(text, 'base64')));

export const remotePayloadsSchema = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), base64).nullish(),
      data: base64.nullish(),
    }),
  ),
});

export interface RemotePayload {
  metadata?: Record<string, string>;
  data?: string;
}

export function fromRemote(body: z.infer<typeof remotePayloadsSchema>): Payload[] {
  return body.payloads.map(({ metadata, data }) => ({
    metadata: metadata ?? {},
    data: data ?? new Uint8Array(),
  }));
}

const b64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export function toRemote(payloads: Payload[]): { payloads: RemotePayload[] } {
  return {
    payloads: payloads.map(({ metadata, data }) => ({
      metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, b64(v)])),
      data: b64(data ?? new Uint8Array()),
    })),
  };
}
