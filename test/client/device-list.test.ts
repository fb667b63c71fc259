import path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseDeviceList, readDeviceList } from '../../src/client/device-list';
import { formatIssue } from '../../src/client/list-file';

const HEADER = 'serial_number,platform,enrollment_kind,user_email';
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'device-lists');

const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');

describe('parseDeviceList, CSV', () => {
  it('when the file has a BOM, CRLF endings and mixed-case names and values, then every device is read', () => {
    const text =
      '\uFEFFSerial_Number,PLATFORM,Enrollment Kind,userEmail\r\nC02X01,iOS,ADE,jane@corp.example\r\n';
    const { devices, errors, warnings } = parseDeviceList(text, 'devices.csv');
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(devices).toEqual([
      { serialNumber: 'C02X01', platform: 'ios', enrollmentKind: 'ade', userEmail: 'jane@corp.example' },
    ]);
  });

  it('when fields are quoted, then commas, doubled quotes and line breaks are kept and lines still count', () => {
    const text = [
      `${HEADER},friendly_name`,
      'C02X01,ios,standard,jane@corp.example,"Jane\'s ""work"" phone, 2"',
      'C02X02,ios,standard,john@corp.example,"two\r\nlines"',
      'C02X03,ios,standard,bad@,x',
    ].join('\r\n');
    const { devices, errors } = parseDeviceList(text);
    expect(devices.map((d) => d.friendlyName)).toEqual(['Jane\'s "work" phone, 2', 'two\r\nlines']);
    expect(errors).toEqual([{ line: 5, field: 'user_email', message: '"bad@" is not an email address' }]);
  });

  it('when values have surrounding spaces or optional cells are empty, then values are trimmed and absent', () => {
    const text = `${HEADER},udid,model\n  C02X01 , Android , Work-Profile , jane@corp.example ,  ,  Pixel 8 `;
    expect(parseDeviceList(text).devices).toEqual([
      {
        serialNumber: 'C02X01',
        platform: 'android',
        enrollmentKind: 'work_profile',
        userEmail: 'jane@corp.example',
        model: 'Pixel 8',
      },
    ]);
  });

  it('when rows are bad, then every problem is reported with its line and field', () => {
    const { devices, errors } = parseDeviceList(
      csv(
        'OK01,ios,ade,jane@corp.example',
        'BAD02,ios,standard,jane@',
        'BAD03,windows,legacy,bob@corp.example',
        'BAD04,android,ade,carol@corp.example',
        ',ios,standard,dave@corp.example',
        'BAD06,ios,dep,',
        'BAD07,ios,standard,erin@corp.example,surplus',
      ),
    );
    expect(devices.map((d) => d.serialNumber)).toEqual(['OK01']);
    expect(errors).toEqual([
      { line: 3, field: 'user_email', message: '"jane@" is not an email address' },
      { line: 4, field: 'platform', message: '"windows" is not a platform (ios, android)' },
      {
        line: 5,
        field: 'enrollment_kind',
        message: '"ade" is not an enrollment kind for android (legacy, work_profile, fully_managed)',
      },
      { line: 6, field: 'serial_number', message: 'is empty' },
      {
        line: 7,
        field: 'enrollment_kind',
        message: '"dep" is not an enrollment kind (ade, standard, legacy, work_profile, fully_managed)',
      },
      { line: 7, field: 'user_email', message: 'is empty' },
      { line: 8, message: 'has 5 fields, the header 4; quote values that hold commas' },
    ]);
  });

  it('when an iOS device says legacy, then the kind is reported as inconsistent with the platform', () => {
    const { errors } = parseDeviceList(csv('C02X01,ios,legacy,jane@corp.example'));
    expect(errors).toEqual([
      {
        line: 2,
        field: 'enrollment_kind',
        message: '"legacy" is not an enrollment kind for ios (ade, standard)',
      },
    ]);
  });

  it('when a serial repeats in another case, then the later row names the earlier line and is dropped', () => {
    const { devices, errors } = parseDeviceList(
      csv(
        'C02X01,ios,ade,jane@corp.example',
        'R58N02,android,legacy,bob@corp.example',
        'c02x01,ios,ade,x@corp.example',
      ),
    );
    expect(devices).toHaveLength(2);
    expect(errors).toEqual([{ line: 4, field: 'serial_number', message: '"c02x01" is also on line 2' }]);
  });

  it('when a required column is missing, then one error names it, not one per row', () => {
    const { errors, warnings } = parseDeviceList(
      'serial_number,platform,enrollment_kind,email\nC02X01,ios,ade,a@corp.example\nC02X02,ios,ade,b@corp.example\n',
    );
    expect(errors).toEqual([{ line: 1, field: 'user_email', message: 'required column is missing' }]);
    expect(warnings).toEqual([{ line: 1, field: 'email', message: 'unknown column, ignored' }]);
  });

  it('when an unknown column is present, then it is a warning and the devices are valid', () => {
    const result = parseDeviceList(`${HEADER},Colour\nC02X01,ios,ade,jane@corp.example,red`);
    expect(result.errors).toEqual([]);
    expect(result.devices).toHaveLength(1);
    expect(result.warnings).toEqual([{ line: 1, field: 'Colour', message: 'unknown column, ignored' }]);
  });

  it('when blank lines or rows of empty cells appear, then they are skipped and line numbers still count', () => {
    const { devices, errors } = parseDeviceList(
      csv('', 'C02X01,ios,ade,jane@corp.example', ',,,', 'BAD05,ios,ade,x'),
    );
    expect(devices).toHaveLength(1);
    expect(errors).toEqual([{ line: 5, field: 'user_email', message: '"x" is not an email address' }]);
  });

  it('when the file is empty, lists no rows, or a quote is never closed, then that is an error', () => {
    expect(parseDeviceList('').errors).toEqual([{ line: 0, message: 'is empty; expected a header row' }]);
    expect(parseDeviceList(HEADER).errors).toEqual([{ line: 0, message: 'lists no devices' }]);
    expect(parseDeviceList(csv('C02X01,ios,ade,"jane@corp.example')).errors).toContainEqual({
      line: 2,
      message: 'a quoted field is never closed',
    });
  });

  it('when text follows a closing quote, then the file is refused on that line rather than guessed at', () => {
    // `"jane"@corp.example` could mean `jane@corp.example` or a typo: no device is read from such a file.
    const { devices, errors } = parseDeviceList(
      csv('C02X01,ios,ade,jane@corp.example', 'C02X02,ios,ade,"jane"@corp.example'),
    );
    expect(devices).toEqual([]);
    expect(errors).toEqual([{ line: 3, message: 'text follows a closing quote; quote the whole value' }]);
  });
});

describe('parseDeviceList, JSON', () => {
  it('when the file is a JSON array, then keys in any case are read and numbers become text', () => {
    const text = JSON.stringify([
      {
        SerialNumber: 'C02X01',
        platform: 'IOS',
        enrollment_kind: 'standard',
        USER_EMAIL: 'jane@corp.example',
      },
      {
        serial_number: 'R58N02',
        platform: 'android',
        enrollment_kind: 'legacy',
        user_email: 'b@c.io',
        imei: 356938035643809,
      },
    ]);
    const { devices, errors } = parseDeviceList(`  \n${text}`, 'devices.txt');
    expect(errors).toEqual([]);
    expect(devices[0]).toEqual({
      serialNumber: 'C02X01',
      platform: 'ios',
      enrollmentKind: 'standard',
      userEmail: 'jane@corp.example',
    });
    expect(devices[1]?.imei).toBe('356938035643809');
  });

  it('when items are bad, then issues name the 1-based item and the field', () => {
    const text = JSON.stringify([
      { serial_number: 'C02X01', platform: 'ios', enrollment_kind: 'ade', user_email: 'a@corp.example' },
      { serial_number: 'c02x01', platform: 'ios', enrollment_kind: 'ade', user_email: { at: 'x' }, extra: 1 },
      42,
    ]);
    const { errors, warnings } = parseDeviceList(text, 'devices.json');
    expect(errors).toEqual([
      { line: 2, unit: 'item', field: 'serial_number', message: '"c02x01" is also on item 1' },
      { line: 2, unit: 'item', field: 'user_email', message: 'must be text, not an object' },
      { line: 3, unit: 'item', message: 'must be an object, not a number' },
    ]);
    expect(warnings).toEqual([{ line: 2, unit: 'item', field: 'extra', message: 'unknown field, ignored' }]);
    expect(formatIssue(errors[0]!, 'devices.json')).toBe(
      'devices.json item 2, serial_number: "c02x01" is also on item 1',
    );
  });

  it('when the JSON is malformed or not an array, then the error names the line, never the text', () => {
    expect(parseDeviceList('[\n{"user_email": "jane@corp.example",}\n]').errors).toEqual([
      { line: 2, unit: 'line', message: 'is not valid JSON' },
    ]);
    expect(parseDeviceList('{"a": 1}', 'd.json').errors).toEqual([
      { line: 0, message: 'must be a JSON array of objects, not an object' },
    ]);
    expect(parseDeviceList('[{"serial_number": "A"}]').errors).toContainEqual({
      line: 0,
      field: 'user_email',
      message: 'no item has this field',
    });
  });
});

describe('formatIssue', () => {
  it('when an issue is formatted, then it reads file, line, field and message', () => {
    const issue = { line: 7, field: 'user_email', message: '"jane@" is not an email address' };
    expect(formatIssue(issue, 'devices.csv')).toBe(
      'devices.csv line 7, user_email: "jane@" is not an email address',
    );
    expect(formatIssue({ line: 0, message: 'lists no devices' }, 'devices.csv')).toBe(
      'devices.csv: lists no devices',
    );
  });
});

describe('readDeviceList', () => {
  it('when the fixture files are read, then the good ones are clean and the bad one has every error', async () => {
    expect((await readDeviceList(path.join(FIXTURES, 'good.csv'))).devices).toHaveLength(6);
    expect((await readDeviceList(path.join(FIXTURES, 'good.json'))).devices).toHaveLength(2);
    const bad = await readDeviceList(path.join(FIXTURES, 'bad.csv'));
    expect(bad.errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'user_email'],
      [4, 'platform'],
      [5, 'enrollment_kind'],
      [6, 'serial_number'],
      [7, 'serial_number'],
      [8, 'enrollment_kind'],
      [10, 'user_email'],
    ]);
  });

  it('when the file is not UTF-8, then one file-level error says so', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ferry-list-')), 'latin1.csv');
    writeFileSync(file, Buffer.from(`${HEADER}\nC02X01,ios,ade,jos\xe9@corp.example\n`, 'latin1'));
    expect((await readDeviceList(file)).errors).toEqual([
      { line: 0, message: 'is not UTF-8 text; save it as "CSV UTF-8"' },
    ]);
  });

  // How fast is a benchmark's question (BENCHMARKS.md), not a test's: a wall-clock limit fails on a
  // loaded CI machine (3.3 s against a 3 s limit once, 1-1.4 s idle here).
  it('when 100,000 rows are parsed, then every one comes back valid, in order', () => {
    const kinds = [
      'ios,ade',
      'ios,standard',
      'android,legacy',
      'android,work_profile',
      'android,fully_managed',
    ];
    const rows = Array.from(
      { length: 100_000 },
      (_, i) => `SN${String(i).padStart(8, '0')},${kinds[i % 5]},user${i}@corp.example,"User ${i}, phone"`,
    );
    const text = [`${HEADER},friendly_name`, ...rows].join('\r\n');
    const { devices, errors } = parseDeviceList(text);
    expect(errors).toEqual([]);
    expect(devices).toHaveLength(100_000);
    expect(devices[99_999]).toMatchObject({
      serialNumber: 'SN00099999',
      friendlyName: 'User 99999, phone',
    });
  });
});

describe('parseDeviceList, field limits', () => {
  const row = (fields: Partial<Record<string, string>>) => {
    const d = {
      serial_number: 'C02X01',
      platform: 'ios',
      enrollment_kind: 'standard',
      user_email: 'jane@corp.example',
      ...fields,
    };
    return JSON.stringify([d]);
  };
  const issues = (fields: Partial<Record<string, string>>) =>
    parseDeviceList(row(fields), 'd.json').errors.map((e) => `${e.field}: ${e.message}`);

  it('when a serial is 100,000 characters long, then it is refused by line and field without reprinting it', () => {
    const serial = 'A'.repeat(100_000);
    const { devices, errors } = parseDeviceList(csv(`${serial},ios,ade,jane@corp.example`));
    expect(devices).toEqual([]);
    expect(errors).toEqual([
      {
        line: 2,
        field: 'serial_number',
        message: 'is 100000 characters long; a serial number has at most 64',
      },
    ]);
  });

  it('when a serial holds a space, a control character, a slash or a quote, then the character is named', () => {
    expect(issues({ serial_number: 'C02 X01' })).toEqual([
      `serial_number: "C02 X01" holds a space; a serial number is letters, digits and '-'`,
    ]);
    expect(issues({ serial_number: 'C02\u0007X01' })).toEqual([
      `serial_number: "C02\\u0007X01" holds the control character U+0007; a serial number is letters, digits and '-'`,
    ]);
    expect(issues({ serial_number: 'C02/X01' })).toEqual([
      `serial_number: "C02/X01" holds "/"; a serial number is letters, digits and '-'`,
    ]);
    expect(issues({ serial_number: "C02'X01" })[0]).toMatch(/holds "'"/);
    expect(issues({ serial_number: 'N-A' })).toEqual([
      'serial_number: "N-A" is too short for a serial number (at least 4 characters)',
    ]);
    expect(issues({ serial_number: '-C02X01' })).toEqual([
      'serial_number: "-C02X01" must start and end with a letter or digit',
    ]);
  });

  it('when serials have the shapes real devices have, then they pass', () => {
    for (const serial of [
      'F2LXK0ABCD01',
      'C02XK1ABCD',
      'R58N12ABCD04',
      'HT7A1JT00123',
      '19075522502010',
      'A'.repeat(64),
    ]) {
      expect(issues({ serial_number: serial })).toEqual([]);
    }
  });

  it('when an email is too long, before or after the @, then the limit is named', () => {
    expect(issues({ user_email: `${'a'.repeat(250)}@corp.example` })).toEqual([
      'user_email: is 263 characters long; an email address has at most 254',
    ]);
    expect(issues({ user_email: `${'a'.repeat(65)}@corp.example` })).toEqual([
      `user_email: "${'a'.repeat(40)}…" has 65 characters before the @; an email address has at most 64`,
    ]);
    expect(issues({ user_email: `jane@${'a'.repeat(64)}.example` })[0]).toMatch(
      /has a domain label longer than 63 characters$/,
    );
    expect(issues({ user_email: `${'a'.repeat(64)}@corp.example` })).toEqual([]);
    expect(issues({ user_email: 'jane doe@corp.example' })).toEqual([
      'user_email: "jane doe@corp.example" is not an email address',
    ]);
  });

  it('when a free-text field is too long or holds control characters, then it is refused; line breaks are kept', () => {
    expect(issues({ model: 'M'.repeat(257) })).toEqual([
      'model: is 257 characters long; a model has at most 256',
    ]);
    expect(issues({ friendly_name: 'Jane\u001b[31m phone' })).toEqual([
      'friendly_name: holds the control character U+001B',
    ]);
    expect(issues({ source_device_id: '10\u0000' })).toEqual([
      'source_device_id: holds the control character U+0000',
    ]);
    expect(issues({ friendly_name: 'evil\u202Etxt.exe' })).toEqual([
      'friendly_name: holds the control character U+202E',
    ]);
    expect(issues({ model: 'bad \ud800' })).toEqual(['model: is not valid Unicode text']);
    expect(issues({ friendly_name: "Jane's\r\nwork\tphone 📱", model: 'M'.repeat(256) })).toEqual([]);
  });

  it('when a UDID or an IMEI has no shape of one, then it is refused; the real formats pass', () => {
    expect(issues({ udid: 'not-a-udid' })[0]).toMatch(/^udid: "not-a-udid" is not a UDID \(hex digits/);
    expect(issues({ udid: 'f'.repeat(65) })).toEqual(['udid: is 65 characters long; a UDID has at most 64']);
    for (const udid of ['00008030-001A2D3E0C12802E', 'a'.repeat(40), 'D1F3A5B7C9E1F3A5B7C9E1F3A5B7C9E1']) {
      expect(issues({ udid })).toEqual([]);
    }
    expect(issues({ imei: '35-693803-564380-9' })[0]).toMatch(/^imei: "35-693803-564380-9" is not an IMEI/);
    expect(issues({ imei: '3'.repeat(19) })).toEqual(['imei: is 19 characters long; an IMEI has at most 18']);
    for (const imei of [
      '356938035643809',
      '35693803564380',
      '3569380356438012',
      'A0000012345678',
      '270113177609999999',
    ]) {
      expect(issues({ imei })).toEqual([]);
    }
  });

  it('when an IMEI fails its check digit, then it is a warning and the device is kept', () => {
    const { devices, errors, warnings } = parseDeviceList(
      `${HEADER},imei\nC02X01,android,legacy,a@corp.example,356938035643808`,
    );
    expect(errors).toEqual([]);
    expect(devices).toHaveLength(1);
    expect(warnings).toEqual([
      { line: 2, field: 'imei', message: '"356938035643808" fails the IMEI check digit; is it mistyped?' },
    ]);
  });

  it('when a JSON number is too large to read exactly, then it is refused rather than rounded', () => {
    const text = `[{"serial_number": "C02X01", "platform": "android", "enrollment_kind": "legacy",
      "user_email": "a@corp.example", "imei": 270113177609999999}]`;
    expect(parseDeviceList(text).errors).toEqual([
      {
        line: 1,
        unit: 'item',
        field: 'imei',
        message: 'is a number too large to read exactly; write it as text, in quotes',
      },
    ]);
  });

  it('when a bad value is long, then the message quotes only its start', () => {
    const { errors } = parseDeviceList(csv(`C02X01,${'x'.repeat(5_000)},ade,jane@corp.example`));
    expect(errors[0]!.message).toBe(`"${'x'.repeat(40)}…" is not a platform (ios, android)`);
  });
});
