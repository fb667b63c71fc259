import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { TARGET_TENANT } from '../../src/demo/world';
import { dataConverterFor } from '../../src/temporal/connection';
import { startDeviceMigration } from '../../src/temporal/start-device';
import { toRemote } from '../../src/temporal/codec/remote-payloads';
import { DEFAULT_MIGRATION_OPTIONS, type DeviceInput } from '../../src/workflows/device/messages';
import { REHEARSAL_DURATIONS } from '../../src/demo/world';
import { createFerryWorker } from '../../src/worker';
import { FerryStatus } from '../../src/workflows/search-attributes';
import { eventually } from '../helpers/eventually';
import { ferry } from '../helpers/ferry-cli';
import { e2eTenantsPerFile } from '../helpers/simulated-tenants';
import { devServerEnvPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { keyLine, testKeys } from './keys';

/**
 * Issue 14: with payload keys configured, the Temporal server holds no user email and no registration
 * token in clear, while the CLI (with the keys) and `ferry codec-server` (with the token) still show
 * them. Real server, real activities against the Workspace ONE simulator, the CLI as a spawned process.
 */

const tenants = e2eTenantsPerFile({ commandDelayMs: 200, enrollDelayMs: 200 });
const env = devServerEnvPerFile();
const ROOT = path.resolve(__dirname, '..', '..');

const KEYS = testKeys('k-e2e');
const KEY_ENV = { FERRY_PAYLOAD_KEYS: keyLine(KEYS, 'k-e2e') };
const TOKEN = 'codec-token-e2e-0123456789';
const UI = 'http://localhost:8233';

// The user's name on the target is their email: the report's target_user then shows the email itself.
const EMAIL = 'codec.person@corp.example';
const MISSING_EMAIL = 'nobody.there@corp.example';

const History = temporal.api.history.v1.History;

/** The history as the server stores it, read by a client without the codec: binary and JSON forms. */
async function rawHistory(
  workflowId: string,
): Promise<{ bytes: Buffer; json: string; history: temporal.api.history.v1.IHistory }> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const bytes = Buffer.from(History.encode(history).finish());
  const json = JSON.stringify(
    History.toObject(History.fromObject(history), { bytes: String, longs: String }),
  );
  return { bytes, json, history };
}

type ProtoPayload = temporal.api.common.v1.IPayload;

/** Every payload in `value` (anything with metadata and data), except under the keys of `skip`. */
function payloadsOf(value: unknown, skip: string[]): ProtoPayload[] {
  if (!value || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v) => payloadsOf(v, skip));
  const record = value as Record<string, unknown>;
  if (record.metadata && record.data instanceof Uint8Array) return [record as ProtoPayload];
  return Object.entries(record)
    .filter(([key]) => !skip.includes(key))
    .flatMap(([, v]) => payloadsOf(v, skip));
}

function spawnCodecServer(): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, ['bin/ferry.js', 'codec-server', '--port', '0', '--origin', UI], {
    cwd: ROOT,
    env: { ...process.env, ...KEY_ENV, FERRY_CODEC_SERVER_TOKEN: TOKEN },
  });
  let out = '';
  let err = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) => reject(new Error(`codec-server exited ${code}: ${err}`)));
  });
  return { child, url };
}

test('when the codec is on, then histories hold no email or token in clear, and the CLI and codec server show them decrypted', async () => {
  const dataConverter = dataConverterFor({ payloadKeys: KEYS })!;
  const client = new Client({ connection: env.connection, namespace: env.namespace, dataConverter });
  tenants.sim.addUser(TARGET_TENANT, { email: EMAIL, userName: EMAIL });
  const migrationId = `codec-${Date.now()}`;
  const [first, second] = tenants.devices;
  const done: DeviceInput = { ...first!, platform: 'ios', enrollmentKind: 'standard', userEmail: EMAIL };
  const failing: DeviceInput = {
    ...second!,
    platform: 'ios',
    enrollmentKind: 'standard',
    userEmail: MISSING_EMAIL,
  };
  const options = { ...DEFAULT_MIGRATION_OPTIONS, durations: REHEARSAL_DURATIONS };

  // The first lookup of the user fails with their email in the message: the retry's ActivityTaskStarted
  // event then records that failure (lastFailure), which must not show the email either.
  let lookups = 0;
  const lookupTargetUser: typeof tenants.activities.lookupTargetUser = async (input) => {
    if (input.email === EMAIL && lookups++ === 0) throw new Error(`directory busy looking up ${input.email}`);
    return tenants.activities.lookupTargetUser(input);
  };
  const taskQueue = uniqueTaskQueue('codec');
  const worker = await createFerryWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    activities: { ...tenants.activities, lookupTargetUser },
    // Bundled with the encrypting failure converter, as the worker's own bundling does.
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: require.resolve('../../src/workflows'),
      failureConverterPath: dataConverter.failureConverterPath,
      logger: new DefaultLogger('WARN'),
    }),
    dataConverter,
  });

  await worker.runUntil(async () => {
    const doneHandle = await startDeviceMigration(client, taskQueue, { migrationId, device: done, options });
    const failingHandle = await startDeviceMigration(client, taskQueue, {
      migrationId,
      device: failing,
      options,
    });
    const state = await doneHandle.result();
    expect(state.status).toBe('reenrolled');
    expect(state.targetUser?.userName).toBe(EMAIL);
    await eventually(
      () => failingHandle.describe(),
      (d) => d.typedSearchAttributes.get(FerryStatus) === 'failed',
      'the device without a target user to fail',
    );
    const tokens = tenants.sim
      .tenant(TARGET_TENANT)
      .tokens.filter((t) => t.serialNumber === done.serialNumber)
      .map((t) => t.value);
    expect(tokens.length).toBeGreaterThan(0);

    // 1. What the server stores: every payload encrypted, no email, user name or token, in bytes or JSON.
    for (const handle of [doneHandle, failingHandle]) {
      const { bytes, json, history } = await rawHistory(handle.workflowId);
      expect(history.events!.length).toBeGreaterThan(5);
      for (const secret of [EMAIL, MISSING_EMAIL, 'codec.person', 'nobody.there', ...tokens]) {
        expect({
          workflowId: handle.workflowId,
          secret,
          inBytes: bytes.includes(Buffer.from(secret)),
        }).toEqual({
          workflowId: handle.workflowId,
          secret,
          inBytes: false,
        });
        expect(json.includes(secret)).toBe(false);
        expect(json.includes(Buffer.from(secret).toString('base64').slice(0, 16))).toBe(false);
      }
      // Every payload but the search attributes' (which the server indexes) and the patch markers' (the
      // `patched()` ids, written by the SDK's core): no codec touches them, and neither holds user data.
      const events = history.events!.filter(
        (e) => e.markerRecordedEventAttributes?.markerName !== 'core_patch',
      );
      const payloads = payloadsOf(events, [
        'searchAttributes',
        'upsertWorkflowSearchAttributesEventAttributes',
      ]);
      expect(payloads.length).toBeGreaterThanOrEqual(3);
      for (const payload of payloads) {
        expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('binary/encrypted');
      }

      // 7. Workflow ids and search attributes (not encrypted by any codec) hold no email either.
      const described = await handle.describe();
      const visible = JSON.stringify({
        id: described.workflowId,
        attributes: described.raw.workflowExecutionInfo?.searchAttributes,
        typed: described.typedSearchAttributes,
        memo: described.raw.workflowExecutionInfo?.memo,
      });
      for (const email of [EMAIL, MISSING_EMAIL, 'codec.person', 'nobody.there', '@corp.example']) {
        expect(visible.toLowerCase().includes(email)).toBe(false);
      }
    }
    // The failure itself: message and stack trace moved into an encrypted payload.
    expect(lookups).toBeGreaterThan(1);
    const retried = (await doneHandle.fetchHistory()).events!.find(
      (e) => e.activityTaskStartedEventAttributes?.lastFailure,
    )!;
    const failure = retried.activityTaskStartedEventAttributes!.lastFailure!;
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace ?? '').toBe('');
    expect(Buffer.from(failure.encodedAttributes!.metadata!.encoding!).toString()).toBe('binary/encrypted');

    // 2. The CLI with the keys shows the report decrypted; without them it cannot read the payloads.
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-codec-'));
    const withKeys = await ferry(['report', migrationId, '--format', 'json'], {
      env: { ...KEY_ENV, FERRY_STATE_DIR: stateDir },
    });
    expect({ code: withKeys.code, stderr: withKeys.stderr }).toEqual({ code: 0, stderr: '' });
    const rows = JSON.parse(withKeys.stdout) as {
      serial_number: string;
      target_user: string;
      status: string;
    }[];
    expect(rows.find((r) => r.serial_number === done.serialNumber)).toMatchObject({
      target_user: EMAIL,
      status: 'reenrolled',
    });
    const withoutKeys = await ferry(['report', migrationId, '--format', 'json'], {
      env: { FERRY_STATE_DIR: stateDir },
    });
    expect(withoutKeys.stdout).not.toContain(EMAIL);
    expect(withoutKeys.stderr).toContain(`${done.serialNumber}: no state from its workflow`);

    // 3. The codec server decodes a payload of that history back to the email, with the token only.
    const { child, url } = spawnCodecServer();
    try {
      const base = await url;
      const started = (await rawHistory(doneHandle.workflowId)).history.events![0]!;
      const input = started.workflowExecutionStartedEventAttributes!.input!.payloads!;
      const body = JSON.stringify(toRemote(input));
      const decode = (headers: Record<string, string>) =>
        fetch(`${base}/decode`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        });

      const ok = await decode({
        authorization: `Bearer ${TOKEN}`,
        'x-namespace': env.namespace ?? 'default',
        origin: UI,
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
      const { payloads } = (await ok.json()) as ReturnType<typeof toRemote>;
      const [value] = payloads.map((p) =>
        defaultPayloadConverter.fromPayload<{ device: { userEmail: string } }>({
          metadata: Object.fromEntries(
            Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
          ),
          data: Buffer.from(p.data!, 'base64'),
        }),
      );
      expect(value!.device.userEmail).toBe(EMAIL);

      const preflight = await fetch(`${base}/decode`, {
        method: 'OPTIONS',
        headers: {
          origin: UI,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(UI);
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
      expect(preflight.headers.get('access-control-allow-headers')).toBe(
        'Content-Type, X-Namespace, Authorization',
      );

      const wrong: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-token-0123456789' }];
      for (const headers of wrong) {
        const refused = await decode(headers);
        expect(refused.status).toBe(401);
        expect(await refused.text()).not.toContain(EMAIL);
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) =>
        child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve),
      );
    }
    await failingHandle.terminate('test over');
  });
}, 120_000);
