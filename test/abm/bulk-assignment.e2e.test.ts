import { WorkflowUpdateFailedError } from '@temporalio/client';
import { awaitingAbmQuery } from '../../src/activities/fleet/abm-bulk';
import { devicesReportCsv } from '../../src/client/devices-report';
import { startFleetMigration } from '../../src/client/start-migration';
import { ABM_SOURCE_SERVER } from '../../src/demo/simulated-abm';
import {
  REHEARSAL_DURATIONS,
  SOURCE_TENANT,
  TARGET_TENANT,
  startSimulatedTenants,
  type SimulatedTenants,
} from '../../src/demo/world';
import {
  approveAbmAssignment,
  cancelMigration,
  getMigrationProgress,
  type FleetProgress,
} from '../../src/workflows/fleet/messages';
import {
  ABM_BULK_WAITING,
  DEFAULT_MIGRATION_OPTIONS,
  FailureReason,
  cancelDevice,
  deviceWorkflowId,
  getDeviceState,
  type DeviceInput,
  type DeviceState,
  type MigrationOptions,
} from '../../src/workflows/device/messages';
import { recordHistory } from '../helpers/devices';
import { fleetSuitePerFile, testWorker } from '../helpers/temporal';
import { eventually } from '../helpers/eventually';

/**
 * The bulk ABM assignment end to end: the fleet workflow on the dev server, real activities over HTTP to
 * the Workspace ONE and Apple Business Manager simulators, linked so that a deadline assignment moves
 * the device from the source tenant to the target by itself.
 */
const { env, store } = fleetSuitePerFile('ferry-abm-bulk-');

interface World {
  tenants: SimulatedTenants;
  ade: DeviceInput[];
  migrationId: string;
  handle: Awaited<ReturnType<typeof startFleetMigration>>;
  state(serial: string): Promise<DeviceState>;
}

async function withAbmFleet(
  options: Partial<MigrationOptions>,
  fn: (w: World) => Promise<void>,
  setup: { abmOnWorker?: boolean; slowMove?: boolean; devices?: number } = {},
): Promise<void> {
  const tenants = await startSimulatedTenants(
    { devices: setup.devices ?? 30, seed: 7, missingTargetUserShare: 0 },
    { behaviour: { commandDelayMs: 300, enrollDelayMs: 300 }, abm: { assignDelayMs: 300 } },
  );
  try {
    const ade = tenants.devices.filter((d) => d.platform === 'ios' && d.enrollmentKind === 'ade');
    expect(ade.length).toBeGreaterThanOrEqual(3);
    if (setup.slowMove) {
      // The user has not accepted the migration prompt yet: the device stays in the source for now.
      for (const d of tenants.sim.tenant(SOURCE_TENANT).devices) d.migration.commandDelayMs = 3_600_000;
    }
    const { worker, taskQueue } = await testWorker(env, tenants.activities, {
      prefix: 'abm-bulk',
      fleet: { store, abm: setup.abmOnWorker === false ? undefined : tenants.abm!.check },
    });
    const migrationId = `abm-${Math.random().toString(36).slice(2, 8)}`;
    await worker.runUntil(async () => {
      const handle = await startFleetMigration(env.client, store, taskQueue, {
        migrationId,
        name: 'abm fleet',
        devices: ade,
        options: { ...DEFAULT_MIGRATION_OPTIONS, durations: REHEARSAL_DURATIONS, ...options },
        rollout: {
          concurrency: 50,
          approveWaves: false,
          pollInterval: '200 ms',
          abmAssignInterval: '300 ms',
        },
      });
      const state = (serial: string) =>
        env.client.workflow.getHandle(deviceWorkflowId(migrationId, serial)).query(getDeviceState);
      await fn({ tenants, ade, migrationId, handle, state });
    });
  } finally {
    await tenants.close();
  }
}

/** Waiting by query and by visibility: the fleet finds the devices to assign through visibility. */
async function allWaiting(w: World): Promise<void> {
  await eventually(
    () => Promise.all(w.ade.map((d) => w.state(d.serialNumber))),
    (states) => states.every((s) => s.subStatus === ABM_BULK_WAITING),
    'every ADE device to wait for the bulk ABM assignment',
  );
  await eventually(
    () => env.client.workflow.count(awaitingAbmQuery(w.migrationId)),
    ({ count }) => count === w.ade.length,
    'visibility to list every ADE device as waiting',
  );
}

describe('bulk ABM assignment (dev server, simulators over HTTP)', () => {
  test('when an admin approves the ABM-deadline migration, then one ABM activity assigns the batch, each device moves by itself, and a device Apple did not move is named', async () => {
    await withAbmFleet({ iosAdeMethod: 'abm_deadline', abmDeadlineDays: 30 }, async (w) => {
      const [stuck, ...moving] = w.ade;
      w.tenants.abm!.sim.setLeaveUnassigned([stuck!.serialNumber]);
      await allWaiting(w);
      expect(w.tenants.abm!.sim.activities()).toEqual([]); // nothing happens in ABM before the approval

      const approved = await w.handle.executeUpdate(approveAbmAssignment, { args: [{ by: 'it-lead' }] });
      expect(approved.abm).toEqual(expect.objectContaining({ approved: true, approvedBy: 'it-lead' }));

      const states = await eventually(
        () => Promise.all(w.ade.map((d) => w.state(d.serialNumber))),
        (s) => s.slice(1).every((x) => x.status === 'reenrolled') && s[0]!.status === 'failed',
        'the devices to move and the stuck one to fail',
      );
      expect(states[0]!.subStatus).toBe(
        `${FailureReason.AbmAssignmentNotDone}: Apple reported the assignment (activity ${w.tenants.abm!.sim.activities()[0]!.id}) complete, but ABM shows the device on MDM server ${ABM_SOURCE_SERVER.id}`,
      );
      const activities = w.tenants.abm!.sim.activities();
      expect(activities).toHaveLength(1);
      expect(activities[0]!.activityType).toBe('ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE');
      expect(new Set(activities[0]!.serials)).toEqual(new Set(w.ade.map((d) => d.serialNumber)));
      for (const [i, d] of moving.entries()) {
        const s = states[i + 1]!;
        expect(Date.parse(s.abmDeadline!) - Date.parse(s.history[0]!.at)).toBeGreaterThan(29 * 86_400_000);
        // No erase, no token: the device left the source by itself and enrolled for its user.
        expect(w.tenants.sim.ledger({ serialNumber: d.serialNumber, kind: 'command.sent' })).toEqual([]);
        expect(w.tenants.sim.ledger({ serialNumber: d.serialNumber, kind: 'token.issued' })).toEqual([]);
        expect(w.tenants.sim.device(SOURCE_TENANT, d.serialNumber)?.enrollmentStatus).toBe('Unenrolled');
        const enrolled = w.tenants.sim.device(TARGET_TENANT, d.serialNumber)!;
        expect(enrolled.enrollmentStatus).toBe('Enrolled');
        expect(enrolled.userId).toBe(s.targetUser!.id);
      }
      const progress = await w.handle.query(getMigrationProgress);
      expect(progress.abm).toEqual(
        expect.objectContaining({
          batches: 1,
          assigned: moving.length,
          notAssigned: 1,
          lastNotAssigned: [{ serial: stuck!.serialNumber, assignedServer: ABM_SOURCE_SERVER.id }],
        }),
      );
      await env.client.workflow
        .getHandle(deviceWorkflowId(w.migrationId, stuck!.serialNumber))
        .executeUpdate(cancelDevice, { args: [{ by: 'it-lead' }] });
      const summary = await w.handle.result();
      expect(summary.total).toBe(w.ade.length);
      const report = devicesReportCsv(states);
      expect(report.split('\r\n')[0]).toContain(',abm_deadline,');
      expect(report).toContain(states[1]!.abmDeadline!);
      await recordHistory(w.handle, 'fleet_abm_deadline');
    });
  });

  test('when a device is cancelled before its deadline, then its ABM assignment is undone and it stays in the source', async () => {
    await withAbmFleet(
      { iosAdeMethod: 'abm_deadline' },
      async (w) => {
        await allWaiting(w);
        await w.handle.executeUpdate(approveAbmAssignment, { args: [{ by: 'it-lead' }] });
        const serial = w.ade[0]!.serialNumber;
        await eventually(
          () => w.state(serial),
          (s) => s.status === 'reenrolling',
          'the device to wait for its move',
        );
        expect(w.tenants.abm!.sim.assignedServer(serial)).toBe(w.tenants.abm!.targetServerId);
        const cancelled = await env.client.workflow
          .getHandle(deviceWorkflowId(w.migrationId, serial))
          .executeUpdate(cancelDevice, { args: [{ by: 'it-lead' }] });
        expect(cancelled.subStatus).toMatch(
          new RegExp(
            `^${FailureReason.CancelledByAdmin}: ABM migration cancelled and the device assigned back to MDM server ${ABM_SOURCE_SERVER.id} \\(activities \\w+, \\w+\\)$`,
          ),
        );
        expect(w.tenants.abm!.sim.assignedServer(serial)).toBe(ABM_SOURCE_SERVER.id);
        expect(w.tenants.abm!.sim.device(serial)?.mdmMigrationStatus).toBeUndefined();
        expect(w.tenants.sim.device(SOURCE_TENANT, serial)?.enrollmentStatus).toBe('Enrolled');
        expect(
          w.tenants.sim.ledger({ kind: 'admin.device.abm_migration_cancelled', serialNumber: serial }),
        ).toHaveLength(1);
        // The rest go with the migration: their rollbacks share ABM activities (Apple allows ~10 an hour).
        await w.handle.executeUpdate(cancelMigration, { args: [{ by: 'it-lead' }] });
        const summary = await w.handle.result();
        expect(summary.devicesCancelled).toBe(w.ade.length - 1);
        const activities = w.tenants.abm!.sim.activities();
        const cancels = activities.filter((a) => a.activityType === 'CANCEL_MDM_MIGRATION');
        const returns = activities.filter(
          (a) => a.activityType === 'ASSIGN_DEVICES' && a.mdmServerId === ABM_SOURCE_SERVER.id,
        );
        const all = w.ade.map((d) => d.serialNumber).sort();
        expect(cancels.flatMap((a) => a.serials).sort()).toEqual(all);
        expect(returns.flatMap((a) => a.serials).sort()).toEqual(all);
        expect(cancels.length).toBeLessThanOrEqual(1 + Math.ceil((w.ade.length - 1) / 2));
        expect(cancels.at(-1)!.serials.length).toBeGreaterThan(1);
        for (const serialNumber of all) {
          expect(w.tenants.abm!.sim.assignedServer(serialNumber)).toBe(ABM_SOURCE_SERVER.id);
        }
      },
      { slowMove: true },
    );
  });

  test('when a migration with more ADE devices than cancel updates in flight is cancelled, then their rollbacks still share ABM activities', async () => {
    await withAbmFleet(
      { iosAdeMethod: 'abm_deadline' },
      async (w) => {
        expect(w.ade.length).toBeGreaterThan(20); // twice the cancel updates sent at once
        await allWaiting(w);
        await w.handle.executeUpdate(approveAbmAssignment, { args: [{ by: 'it-lead' }] });
        await eventually(
          () => Promise.all(w.ade.map((d) => w.state(d.serialNumber))),
          (states) => states.every((s) => s.status === 'reenrolling'),
          'every device to wait for its move',
        );
        await w.handle.executeUpdate(cancelMigration, { args: [{ by: 'it-lead' }] });
        expect(await w.handle.result()).toMatchObject({ devicesCancelled: w.ade.length });
        const cancels = w.tenants
          .abm!.sim.activities()
          .filter((a) => a.activityType === 'CANCEL_MDM_MIGRATION');
        expect(cancels.flatMap((a) => a.serials).sort()).toEqual(w.ade.map((d) => d.serialNumber).sort());
        // All devices accept the cancel before any rollback is waited on: they meet in the 2 s batch window.
        expect(cancels.length).toBeLessThanOrEqual(2);
      },
      { slowMove: true, devices: 80 },
    );
  });

  test('when abmAutoAssign is on for the erase path, then the approved bulk assignment replaces the admin confirmations', async () => {
    await withAbmFleet({ abmAutoAssign: true }, async (w) => {
      await allWaiting(w);
      await w.handle.executeUpdate(approveAbmAssignment, { args: [{ by: 'it-lead' }] });
      await w.handle.result();
      const states = await Promise.all(w.ade.map((d) => w.state(d.serialNumber)));
      expect(states.map((s) => s.status)).toEqual(w.ade.map(() => 'reenrolled'));
      const activities = w.tenants.abm!.sim.activities();
      expect(activities.map((a) => a.activityType)).toEqual(['ASSIGN_DEVICES']);
      for (const d of w.ade) {
        expect(w.tenants.abm!.sim.assignedServer(d.serialNumber)).toBe(w.tenants.abm!.targetServerId);
      }
    });
  });

  test('when the worker has no ABM credentials, then the approval stops with the reason and devices keep waiting', async () => {
    await withAbmFleet(
      { iosAdeMethod: 'abm_deadline' },
      async (w) => {
        await allWaiting(w);
        await w.handle.executeUpdate(approveAbmAssignment, { args: [{}] });
        const progress = await eventually(
          () => w.handle.query(getMigrationProgress),
          (p: FleetProgress) => p.abm?.error !== undefined,
          'the assignment to stop',
        );
        expect(progress.abm).toEqual(expect.objectContaining({ approved: false, batches: 0 }));
        expect(progress.abm!.error).toMatch(/no Apple Business Manager credentials \(ABM_CLIENT_ID/);
        expect((await w.state(w.ade[0]!.serialNumber)).subStatus).toBe(ABM_BULK_WAITING);
        await w.handle.executeUpdate(approveAbmAssignment, { args: [{}] }); // approving again retries
        for (const d of w.ade) {
          await env.client.workflow
            .getHandle(deviceWorkflowId(w.migrationId, d.serialNumber))
            .executeUpdate(cancelDevice, { args: [{}] });
        }
        await w.handle.result();
      },
      { abmOnWorker: false },
    );
  });

  test('when a migration does not assign in ABM, then an approval is rejected with the reason', async () => {
    await withAbmFleet({}, async (w) => {
      const err = await w.handle
        .executeUpdate(approveAbmAssignment, { args: [{}] })
        .catch((e: WorkflowUpdateFailedError) => e);
      expect((err as WorkflowUpdateFailedError).cause?.message).toBe(
        'rejected: migration does not assign devices in ABM (abmAutoAssign or the abm_deadline method)',
      );
      for (const d of w.ade) {
        await eventually(
          () => w.state(d.serialNumber),
          () => true,
          'the device to start',
        );
        await env.client.workflow
          .getHandle(deviceWorkflowId(w.migrationId, d.serialNumber))
          .executeUpdate(cancelDevice, { args: [{}] });
      }
      await w.handle.result();
    });
  });
});
