import { randomBytes } from 'node:crypto';
import type { PayloadKeys } from '../../src/config/payload-keys';

/** Payload keys for tests: `ids` in order, the first current, each a fresh random 32-byte key. */
export function testKeys(...ids: string[]): PayloadKeys {
  return { current: ids[0]!, keys: new Map(ids.map((id) => [id, randomBytes(32)])) };
}

/** `KEYID:BASE64KEY` of one key of `keys`. */
export const keyLine = (keys: PayloadKeys, id: string) => `${id}:${keys.keys.get(id)!.toString('base64')}`;
