import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { listDevices } from '../../src/client/commands/visibility';
import { readCsvRecords } from '../../src/client/csv-records';
import { deviceListCsv } from '../../src/client/source-inventory';
import { FileMigrationStore } from '../../src/services/device-lists/store';
import type { DeviceInput } from '../../src/workflows/device/messages';
import { fleetWorkflowId } from '../../src/workflows/fleet/messages';
import { FORMULA_START, INJECTIONS } from '../helpers/csv-injections';
import { FakeWorld } from '../helpers/fake-world';
import { devServerEnvPerFile, testWorker } from '../helpers/temporal';
import { until } from '../helpers/eventually';
import { ferry, lines } from './fleet-fixture';

/**
 * An attacker's text in a device list (model, friendly name, source id) and in the target tenant (user
 * names) goes through `ferry start` and a migration, and comes out of `ferry report --format csv` as
 * text no spreadsheet runs; Ferry's own exports read back unchanged through `ferry validate` and
 * `ferry start`.
 */

const env = devServerEnvPerFile();

/** The cells as a spreadsheet reads them: plain RFC 4180, none of Ferry's leniency or un-quoting. */
const spreadsheetRows = (text: string) => parse(text, { relax_column_count: true }) as string[][];
const formulaCells = (text: string) =>
  spreadsheetRows(text)
    .flat()
    .filter((c) => FORMULA_START.test(c));

const stamp = Date.now().toString(36).toUpperCase();
const devices: DeviceInput[] = INJECTIONS.map((text, i) => ({
  serialNumber: `CSVI${i}${stamp}`,
  platform: 'ios',
  enrollmentKind: 'standard',
  userEmail: `inject${i}@corp.example`,
  model: text,
  friendlyName: `+${text}`,
  sourceDeviceId: `'${text}`,
}));
/** The target tenant's user names, an attacker's too: the report's target_user column. */
const userNameOf = (i: number) => `@user${i}${INJECTIONS[i]!.trim()}`;

const modeOf = (p: string) => statSync(p).mode & 0o777;

test('when formula text goes through ferry start and a migration, then the CSV reports run nothing and read back as written', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-csv-injection-'));
  const world = new FakeWorld();
  world.enrollDelayMs = 0;
  devices.forEach((d, i) => world.addUser(d.userEmail, userNameOf(i)));
  // The list as an attacker writes it: raw, no quote in front (quoted cells only where CSV needs them).
  const rawList = path.join(stateDir, 'devices.csv');
  writeFileSync(
    rawList,
    [
      'serial_number,platform,enrollment_kind,user_email,model,friendly_name,source_device_id',
      ...devices.map((d) =>
        [
          d.serialNumber,
          d.platform,
          d.enrollmentKind,
          d.userEmail,
          d.model!,
          d.friendlyName!,
          d.sourceDeviceId!,
        ]
          .map((v) => `"${v.replace(/"/g, '""')}"`)
          .join(','),
      ),
    ].join('\n'),
  );
  const { worker, taskQueue } = await testWorker(env, world.activities(), {
    prefix: 'csvi',
    fleet: { store: new FileMigrationStore(stateDir) },
  });
  const cliEnv = { FERRY_STATE_DIR: stateDir, FERRY_TASK_QUEUE: taskQueue };

  await worker.runUntil(async () => {
    const start = await ferry(
      ['start', '--name', 'Injection', '--devices', rawList, '--poll-interval', '1s'],
      {
        env: cliEnv,
      },
    );
    expect(start).toMatchObject({ code: 0 });
    const migrationId = lines(start.stdout).at(-1)!;
    await until(async () => {
      const listed = await listDevices(env.client, migrationId);
      return listed.length === devices.length && listed.every((d) => !d.running);
    });

    const out = path.join(stateDir, 'reports', 'devices.csv');
    const [report, migrations] = await Promise.all([
      ferry(['report', migrationId, '--format', 'csv', '--out', out], { env: cliEnv }),
      ferry(['report', '--migrations', '--format', 'csv'], { env: cliEnv }),
    ]);
    expect(report.code).toBe(0);
    expect(migrations.code).toBe(0);
    const reportText = readFileSync(out, 'utf8');
    expect(modeOf(out)).toBe(0o600);
    expect(modeOf(path.dirname(out))).toBe(0o700);

    // A spreadsheet runs nothing: every attacker's cell starts with a quote.
    expect(formulaCells(reportText)).toEqual([]);
    expect(formulaCells(migrations.stdout)).toEqual([]);
    const [header, ...rows] = spreadsheetRows(reportText);
    const userColumn = header!.indexOf('target_user');
    const serialColumn = header!.indexOf('serial_number');
    const bySerial = new Map(rows.map((r) => [r[serialColumn], r]));
    devices.forEach((d, i) => {
      expect(bySerial.get(d.serialNumber)?.[userColumn]).toBe(`'${userNameOf(i)}`);
    });

    // Ferry's CSV reader (the one ferry validate uses) gives the values back as the workers saw them.
    const read = readCsvRecords(reportText).records.map((r) => r.cells);
    const readBySerial = new Map(read.slice(1).map((cells) => [cells[serialColumn], cells]));
    devices.forEach((d, i) => {
      expect(readBySerial.get(d.serialNumber)?.[userColumn]).toBe(userNameOf(i));
    });

    // The list ferry start saved is exported (as ferry inventory writes it), checked, and started again.
    const saved = readFileSync(new FileMigrationStore(stateDir).deviceListFile(migrationId), 'utf8');
    const savedDevices = saved
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as DeviceInput);
    // Cells are trimmed; a quote in front of formula text is a spreadsheet's text marker, read as such.
    expect(savedDevices.map((d) => [d.model, d.friendlyName, d.sourceDeviceId])).toEqual(
      devices.map((d) => [d.model!.trim(), d.friendlyName, d.model!.trim()]),
    );
    const exported = path.join(stateDir, 'exported.csv');
    writeFileSync(exported, deviceListCsv(savedDevices));
    const exportedText = readFileSync(exported, 'utf8');
    expect(formulaCells(exportedText)).toEqual([]);
    const validate = await ferry(['validate', '--devices', exported, '--json'], { env: cliEnv });
    expect(validate.code).toBe(0);
    expect(JSON.parse(validate.stdout)).toMatchObject({ ok: true, devices: devices.length, errors: [] });

    // No worker polls this queue: the fleet waits, the list is saved, and that is what is compared.
    const again = await ferry(
      ['start', '--name', 'Again', '--devices', exported, '--id', `${migrationId}-again`],
      {
        env: { ...cliEnv, FERRY_TASK_QUEUE: `no-worker-${migrationId}` },
      },
    );
    expect(again.code).toBe(0);
    const resaved = readFileSync(
      new FileMigrationStore(stateDir).deviceListFile(`${migrationId}-again`),
      'utf8',
    );
    expect(resaved).toBe(saved);
    await env.client.workflow.getHandle(fleetWorkflowId(`${migrationId}-again`)).terminate('test over');
  });
});
