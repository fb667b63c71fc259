/**
 * The device list parser (`ferry validate`, `ferry start`, the demo) against any input: it answers with
 * devices and issues (each naming its line and field), never a crash or a hang; and a list Ferry writes
 * itself reads back unchanged.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parseDeviceList, readDeviceList, type DeviceListResult } from '../../src/client/device-list';
import { imeiProblem, serialProblem, textProblem, udidProblem } from '../../src/client/device-fields';
import { emailProblem, NOT_UTF8 } from '../../src/client/list-file';
import { DEVICE_LIST_COLUMNS, deviceListCsv } from '../../src/client/source-inventory';
import type { DeviceInput, EnrollmentKind, Platform } from '../../src/workflows/device/messages';
import { anyText, csvFile, expectWellFormedIssues, jsonFile } from './list-files';

/** The device list's columns, as Ferry's own writer names them. */
const COLUMNS = DEVICE_LIST_COLUMNS;

const PLATFORM_KINDS: [Platform, EnrollmentKind][] = [
  ['ios', 'ade'],
  ['ios', 'standard'],
  ['android', 'legacy'],
  ['android', 'work_profile'],
  ['android', 'fully_managed'],
  ['android', 'unknown'],
];

const serial = fc.stringMatching(/^[A-Za-z0-9]{4,16}(-[A-Za-z0-9]{1,6})?$/);
/** Local parts that start with a formula character are valid addresses, and the writer neutralises them. */
const email = fc.stringMatching(
  /^['+-]?[a-z0-9]{1,12}([._+-][a-z0-9]{1,6})?@[a-z0-9]{1,12}\.(example|test|corp)$/,
);
const udid = fc.oneof(fc.stringMatching(/^[0-9A-F]{8}-[0-9A-F]{16}$/), fc.stringMatching(/^[0-9a-f]{40}$/));
const imei = fc.stringMatching(/^\d{15}$/);
/** Free text a device may carry: commas, quotes, line breaks, accents, a leading formula character. */
const freeText = fc
  .string({
    unit: fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      fc.constantFrom(',', '"', "'", '\n', '\r\n', '=', '+', '-', '@', ' '),
    ),
    minLength: 1,
    maxLength: 40,
  })
  .filter((v) => v.trim() === v && v !== '' && textProblem(v) === undefined);

/** Values a cell of any column may plausibly hold, valid or not for its own column. */
const plausible = fc.oneof(
  serial,
  email,
  udid,
  imei,
  fc.constantFrom(
    'ios',
    'iOS',
    'Android',
    'ade',
    'ADE',
    'Work Profile',
    'fully-managed',
    'legacy',
    'unknown',
  ),
  freeText,
);

/** Everything a result must be whatever the input: issues well formed, every device a valid one. */
function expectSound(result: DeviceListResult, text: string): void {
  expect(Array.isArray(result.devices)).toBe(true);
  expectWellFormedIssues(result.errors, text);
  expectWellFormedIssues(result.warnings, text);
  const serials = new Set<string>();
  for (const d of result.devices) {
    expect(serialProblem(d.serialNumber)).toBeUndefined();
    expect(emailProblem(d.userEmail)).toBeUndefined();
    expect(PLATFORM_KINDS).toContainEqual([d.platform, d.enrollmentKind]);
    if (d.udid !== undefined) expect(udidProblem(d.udid)).toBeUndefined();
    if (d.imei !== undefined) expect(imeiProblem(d.imei)).toBeUndefined();
    for (const v of [d.model, d.friendlyName, d.sourceDeviceId]) {
      if (v !== undefined) expect(textProblem(v)).toBeUndefined();
    }
    expect(serials.has(d.serialNumber.toLowerCase())).toBe(false);
    serials.add(d.serialNumber.toLowerCase());
  }
}

describe('device list parser, fuzzed', () => {
  it('when the file is CSV-shaped in any way, then devices and well-formed issues come back', () => {
    fc.assert(
      fc.property(
        csvFile({ columns: COLUMNS, values: plausible }),
        fc.option(fc.constantFrom('devices.csv', 'list.txt')),
        (text, name) => {
          expectSound(parseDeviceList(text, name ?? undefined), text);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('when the file is JSON of any shape, or cut short, then devices and well-formed issues come back', () => {
    fc.assert(
      fc.property(jsonFile(COLUMNS), fc.option(fc.constant('devices.json')), (text, name) => {
        expectSound(parseDeviceList(text, name ?? undefined), text);
      }),
      { numRuns: 200 },
    );
  });

  it('when the file is any text at all, then devices and well-formed issues come back', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expectSound(parseDeviceList(text), text);
      }),
      // Once shown raw (or whole) in an issue's field: an escape sequence, DEL, a 1,000-character name.
      { numRuns: 200, examples: [['a\x1b[2J,serial_number\n'], ['\u007f'], ['\r\n' + 'a'.repeat(1_000)]] },
    );
  });

  it('when a list has thousands of rows, some bad, then each bad row is named by its line', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 3_000 }),
        fc.integer({ min: 2, max: 40 }),
        fc.constantFrom('\r\n', '\n', '\r'),
        (rows, badEvery, eol) => {
          const lines = ['serial_number,platform,enrollment_kind,user_email'];
          for (let i = 0; i < rows; i++) {
            const bad = i % badEvery === 0;
            lines.push(
              `SN${String(i).padStart(6, '0')},ios,standard,${bad ? 'user' : `user${i}@corp.example`}`,
            );
          }
          const text = lines.join(eol);
          const result = parseDeviceList(text);
          expectSound(result, text);
          const badLines = Array.from({ length: rows }, (_, i) => i)
            .filter((i) => i % badEvery === 0)
            .map((i) => i + 2);
          expect(result.errors.map((e) => e.line)).toEqual(badLines);
          expect(result.devices).toHaveLength(rows - badLines.length);
        },
      ),
      { numRuns: 3 },
    );
  });

  describe('read from a file', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-fuzz-devices-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('when the file holds any bytes, then it reads as a list or as "not UTF-8", never a crash', async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ maxLength: 2_000 }),
            // A real list in another encoding (Latin-1 for é, UTF-16), as spreadsheets save it.
            fc
              .tuple(
                fc.constantFrom<BufferEncoding>('latin1', 'utf16le', 'utf8'),
                csvFile({ columns: COLUMNS, values: plausible }),
              )
              .map(([encoding, text]) => new Uint8Array(Buffer.from(text, encoding))),
          ),
          async (bytes) => {
            const file = path.join(dir, `list-${n++}.csv`);
            writeFileSync(file, bytes);
            const result = await readDeviceList(file);
            if (result.errors.includes(NOT_UTF8)) {
              expect(result).toEqual({ devices: [], errors: [NOT_UTF8], warnings: [] });
            } else {
              expectSound(result, Buffer.from(bytes).toString('utf8'));
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  });

  it('when Ferry writes a valid list, then it reads back as the same devices without errors', () => {
    const device = fc
      .record(
        {
          serialNumber: serial,
          kind: fc.constantFrom(...PLATFORM_KINDS),
          userEmail: email,
          udid,
          imei,
          model: freeText,
          friendlyName: freeText,
          sourceDeviceId: freeText,
        },
        { requiredKeys: ['serialNumber', 'kind', 'userEmail'] },
      )
      .map(({ kind: [platform, enrollmentKind], ...rest }): DeviceInput => ({
        ...rest,
        platform,
        enrollmentKind,
      }));
    fc.assert(
      fc.property(
        fc.uniqueArray(device, {
          minLength: 1,
          maxLength: 30,
          selector: (d) => d.serialNumber.toLowerCase(),
        }),
        (devices) => {
          const text = deviceListCsv(devices);
          const result = parseDeviceList(text, 'devices.csv');
          expect(result.errors).toEqual([]);
          expect(result.devices).toEqual(devices);
        },
      ),
      { numRuns: 200 },
    );
  });
});
