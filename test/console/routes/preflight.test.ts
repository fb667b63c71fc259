import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createPreflightActivities } from '../../../src/activities/preflight';
import { startSimulatedTenants } from '../../../src/demo/world';
import { FileMigrationStore } from '../../../src/services/device-lists/store';
import { PREFLIGHT_WORKFLOW } from '../../../src/workflows/preflight/messages';
import { recordHistory } from '../../helpers/devices';
import { eventually } from '../../helpers/eventually';
import { perFile } from '../../helpers/set-up';
import { devServerEnv, installTestRuntime, uniqueTaskQueue, workflowBundle } from '../../helpers/temporal';
import { openConsole } from './console-fixture';
import { CSV_HEADER } from './console-world';

/**
 * The wizard's preflight runs on a worker, through Temporal: the console has no tenant credentials.
 * Here the worker checks the simulated target; a third of the list's users are missing there.
 */

const setUp = perFile(
  'a worker with the preflight and the console',
  async () => {
    installTestRuntime();
    const env = await devServerEnv();
    const tenants = await startSimulatedTenants({ devices: 9, seed: 5, missingTargetUserShare: 0.34 });
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-console-preflight-'));
    const previous = process.env.FERRY_STATE_DIR;
    process.env.FERRY_STATE_DIR = stateDir;
    const taskQueue = uniqueTaskQueue('console-preflight');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createPreflightActivities({
        target: tenants.target,
        targetGroupId: tenants.targetGroupId,
        store: new FileMigrationStore(stateDir),
      }),
    });
    const running = worker.run();
    const console = await openConsole(env, taskQueue);
    const close = async () => {
      await console.app.close();
      worker.shutdown();
      await running;
      await tenants.close();
      await env.teardown();
      if (previous === undefined) delete process.env.FERRY_STATE_DIR;
      else process.env.FERRY_STATE_DIR = previous;
      rmSync(stateDir, { recursive: true, force: true });
    };
    return { console, tenants, stateDir, env, close };
  },
  (s) => s.close(),
);

async function uploadFleet(): Promise<string> {
  const { console, tenants } = setUp();
  const rows = tenants.devices.map((d) =>
    [d.serialNumber, d.platform, d.enrollmentKind, d.userEmail].join(','),
  );
  const answer = await console.request({
    method: 'POST',
    url: '/api/uploads',
    headers: { 'content-type': 'text/csv' },
    payload: [CSV_HEADER, ...rows].join('\n'),
  });
  expect(answer.json()).toMatchObject({ ok: true, devices: 9 });
  return (answer.json() as { uploadId: string }).uploadId;
}

test("when the wizard runs the preflight, then a worker checks the target and answers ferry preflight's checklist and failing devices", async () => {
  const uploadId = await uploadFleet();
  const answer = await setUp().console.post(`/api/uploads/${uploadId}/preflight`, { options: {} });
  expect(answer.statusCode).toBe(200);
  const report = answer.json() as {
    checks: { name: string; ok: boolean; result: string; message: string }[];
    devices: { serialNumber: string; reason: string; blocking: boolean }[];
    total: number;
    ready: boolean;
  };
  expect(report.total).toBe(9);
  expect(report.checks[0]).toMatchObject({ name: 'Target organization group', ok: true, result: 'ok' });
  const missing = report.devices.filter((d) => /user/i.test(d.reason));
  expect(missing.length).toBeGreaterThan(0);
  expect(report.ready).toBe(false);
  // Nothing of the list is left in the store once the answer is in.
  const stored = await new FileMigrationStore(setUp().stateDir).storedMigrations();
  expect(stored.filter((m) => m.migrationId.startsWith('preflight-'))).toEqual([]);
  // It ran as a workflow (whose history the replay test keeps: npm run record-histories).
  const { client } = setUp().env;
  const runs = await eventually(
    async () => {
      const rows: WorkflowExecutionInfo[] = [];
      for await (const wf of client.workflow.list({ query: `WorkflowType = '${PREFLIGHT_WORKFLOW}'` })) {
        rows.push(wf);
      }
      return rows;
    },
    (rows) => rows.some((r) => r.status.name === 'COMPLETED'),
    'the preflight workflow completed in visibility',
  );
  const done = runs.find((r) => r.status.name === 'COMPLETED')!;
  await recordHistory(client.workflow.getHandle(done.workflowId, done.runId), 'preflight_device_list');
});

test('when the preflight has no CSRF token, bad options or an unknown upload, then 403, 400 naming the field, or 404', async () => {
  const uploadId = await uploadFleet();
  const url = `/api/uploads/${uploadId}/preflight`;
  expect((await setUp().console.post(url, { options: {} }, false)).statusCode).toBe(403);
  const bad = await setUp().console.post(url, { options: { iosAdeMethod: 'teleport' } });
  expect(bad.statusCode).toBe(400);
  expect(bad.json()).toMatchObject({ field: 'options.iosAdeMethod' });
  const extra = await setUp().console.post(url, { options: {}, devices: [] });
  expect(extra.json()).toMatchObject({ field: 'devices' });
  const none = await setUp().console.post('/api/uploads/6a1f6a8e-8c5e-4a53-9b55-3f1f0f3f6f01/preflight', {});
  expect(none.statusCode).toBe(404);
  expect((await setUp().console.post('/api/uploads/not-a-uuid/preflight', {})).json()).toMatchObject({
    field: 'uploadId',
  });
});
