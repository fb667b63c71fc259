import { parse } from 'csv-parse/sync';
import { csvText, neutraliseCell, restoreCell } from '../../src/services/shared/csv';
import { readCsvRecords } from '../../src/client/csv-records';
import { parseDeviceList } from '../../src/client/device-list';
import { parseTargetUsers } from '../../src/client/target-users';
import { deviceListCsv } from '../../src/client/source-inventory';
import type { DeviceInput } from '../../src/workflows/device/messages';
import { FORMULA_START, INJECTIONS } from '../helpers/csv-injections';

/** Cells that must stay exactly as they are, and quoted cells that must survive the round trip. */
const HARMLESS = ['plain', "O'Brien", "'abc", ' =1', 'a=b', '1-2', ''];
const QUOTED = ["'=1", "''+2", "'-", "'\tx"];

/** The cells a spreadsheet reads, as it reads them: RFC 4180 without any of Ferry's leniency. */
const spreadsheetCells = (text: string) => (parse(text, { relax_column_count: true }) as string[][]).flat();

describe('csvText', () => {
  test('when a text cell starts with a formula character, then it is written with a leading quote', () => {
    const text = csvText(
      ['value'],
      INJECTIONS.map((v) => [v]),
    );
    const [header, ...cells] = spreadsheetCells(text);
    expect(header).toBe('value');
    expect(cells).toEqual(INJECTIONS.map((v) => `'${v}`));
    expect(cells.filter((c) => FORMULA_START.test(c))).toEqual([]);
  });

  test('when a cell is harmless, then it is written as is', () => {
    const text = csvText(
      ['value'],
      HARMLESS.map((v) => [v]),
    );
    expect(spreadsheetCells(text).slice(1)).toEqual(HARMLESS);
  });

  test('when a cell is a number Ferry counted, then it stays a number, negative or not', () => {
    expect(csvText(['n', 'm', 'text'], [[-1, 3, '-1']])).toBe("n,m,text\r\n-1,3,'-1\r\n");
  });

  test('when a cell holds quotes, separators or line breaks, then it is quoted and its quotes doubled', () => {
    // OWASP's second example: the quote goes in front, the cell is wrapped, the inner quote doubled.
    expect(csvText(['a'], [['=1+2\'" ;,=1+2']])).toBe('a\r\n"\'=1+2\'"" ;,=1+2"\r\n');
    expect(csvText(['a'], [['x\r=1']])).toBe('a\r\n"x\r=1"\r\n');
  });

  test('when the header holds a formula character, then it is neutralised too', () => {
    expect(csvText(['=x'], [])).toBe("'=x\r\n");
  });
});

describe('restoreCell', () => {
  test('when a cell was neutralised, then exactly one quote comes off, and every value round-trips', () => {
    for (const value of [...INJECTIONS, ...HARMLESS, ...QUOTED]) {
      expect(restoreCell(neutraliseCell(value))).toBe(value);
    }
    expect(neutraliseCell("'=1")).toBe("''=1");
    expect(restoreCell("''=1")).toBe("'=1");
  });

  test('when a quote is not followed by a formula character, then the cell is left alone', () => {
    expect(["'abc", "O'Brien", "'", "' =1"].map(restoreCell)).toEqual(["'abc", "O'Brien", "'", "' =1"]);
  });

  test("when Ferry's CSV reader reads a written file, then every cell is the value written", () => {
    const values = [...INJECTIONS, ...HARMLESS.filter((v) => v !== ''), ...QUOTED];
    const { records, problems } = readCsvRecords(
      csvText(
        ['value'],
        values.map((v) => [v]),
      ),
    );
    expect(problems).toEqual([]);
    // The reader trims spaces around cells (a list file's leniency): compare what a list keeps.
    expect(records.slice(1).map((r) => r.cells[0])).toEqual(values.map((v) => v.replace(/^ +| +$/g, '')));
  });
});

describe('exported lists read back', () => {
  const devices: DeviceInput[] = INJECTIONS.map((text, i) => ({
    serialNumber: `INJ${i}ABCD`,
    platform: 'ios',
    enrollmentKind: 'standard',
    userEmail: `user${i}@corp.example`,
    model: text,
    friendlyName: `-${text}`,
    sourceDeviceId: `'${text}`,
  }));

  test('when a device list with formula text is exported, then no cell starts with a formula character and parsing it gives the devices back', () => {
    const csv = deviceListCsv(devices);
    expect(spreadsheetCells(csv).filter((c) => FORMULA_START.test(c))).toEqual([]);
    const parsed = parseDeviceList(csv);
    expect(parsed.errors).toEqual([]);
    // A list cell is trimmed when read: the leading tab or line break of a value does not survive any list.
    const trimmed = (v: string) => v.trim();
    expect(parsed.devices).toEqual(
      devices.map((d) => ({
        ...d,
        model: trimmed(d.model!),
        friendlyName: trimmed(d.friendlyName!),
        sourceDeviceId: trimmed(d.sourceDeviceId!),
      })),
    );
  });

  test('when a target users file is written with csvText, then its display names read back', () => {
    const names = INJECTIONS.map((v) => v.trim());
    const csv = csvText(
      ['email', 'username', 'display_name'],
      names.map((name, i) => [`u${i}@corp.example`, `+user${i}`, name]),
    );
    const parsed = parseTargetUsers(csv);
    expect(parsed.errors).toEqual([]);
    expect(parsed.users).toEqual(
      names.map((name, i) => ({ email: `u${i}@corp.example`, username: `+user${i}`, displayName: name })),
    );
  });
});
