import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const BAD = 'test/fixtures/device-lists/bad.csv';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/ferry.js …` from the repository root, as a user would. */
function ferry(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/ferry.js', ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('ferry validate', () => {
  it('when the list is valid, then it exits 0 with the counts by platform and enrollment kind', async () => {
    const run = await ferry('validate', '--devices', 'test/fixtures/device-lists/good.csv');
    expect(run).toEqual({
      code: 0,
      stdout:
        'OK: 6 devices (ios: 3, android: 3; by enrollment kind ade: 1, standard: 2, legacy: 1, work_profile: 1, fully_managed: 1)\n',
      stderr: '',
    });
  });

  it('when the list has errors, then it exits 1 listing each error by line and field, then a count', async () => {
    const run = await ferry('validate', '--devices', BAD);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      `error: ${BAD} line 3, user_email: "jane@" is not an email address`,
      `error: ${BAD} line 4, platform: "windows" is not a platform (ios, android)`,
      `error: ${BAD} line 5, enrollment_kind: "ade" is not an enrollment kind for android (legacy, work_profile, fully_managed)`,
      `error: ${BAD} line 6, serial_number: is empty`,
      `error: ${BAD} line 7, serial_number: "c02xk1abcd01" is also on line 2`,
      `error: ${BAD} line 8, enrollment_kind: "dep" is not an enrollment kind (ade, standard, legacy, work_profile, fully_managed)`,
      `error: ${BAD} line 10, user_email: is empty`,
      `warning: ${BAD} line 1, colour: unknown column, ignored`,
      `FAILED: ${BAD} has 7 errors and 1 warning`,
    ]);
  });

  it('when the list has errors, then no other field of a bad row is printed', async () => {
    const { stdout } = await ferry('validate', '--devices', BAD);
    for (const email of ['bob.ray@corp.example', 'carol.fox@corp.example', 'erin.poe@corp.example']) {
      expect(stdout).not.toContain(email);
    }
  });

  it('when --json is given, then the result is one JSON object with the same exit code', async () => {
    const bad = await ferry('validate', '--devices', 'test/fixtures/device-lists/bad.json', '--json');
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout);
    expect(report).toMatchObject({ ok: false, devices: 1, platforms: { ios: 1, android: 0 } });
    expect(report.errors).toHaveLength(5);
    expect(report.errors[0]).toEqual({
      line: 2,
      unit: 'item',
      field: 'serial_number',
      message: '"f2lxk0abcd01" is also on item 1',
    });
    const good = await ferry('validate', '-d', 'test/fixtures/device-lists/warnings.csv', '--json');
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true, devices: 2, kinds: { ade: 1, legacy: 1 } });
  });

  it('when only warnings are found, then they are printed and it exits 0', async () => {
    const run = await ferry('validate', '--devices', 'test/fixtures/device-lists/warnings.csv');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'warning: test/fixtures/device-lists/warnings.csv line 1, department: unknown column',
    );
    expect(run.stdout).toContain('OK: 2 devices (ios: 1, android: 1; by enrollment kind ade: 1, legacy: 1)');
  });

  it('when --devices is missing or the file cannot be read, then one line on stderr and exit 2', async () => {
    expect(await ferry('validate')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'ferry validate: --devices FILE is required (see ferry validate --help)\n',
    });
    const missing = await ferry('validate', '--devices', 'no/such.csv');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'ferry validate: cannot read no/such.csv: no such file (see ferry validate --help)\n',
    );
  });
});

describe('ferry', () => {
  it('when --help is asked, then usage is printed and it exits 0', async () => {
    const top = await ferry('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^Usage: ferry <command>/);
    expect(top.stdout).toMatch(/\n {2}validate +Check a device list file/);
    const validate = await ferry('validate', '--help');
    expect(validate.code).toBe(0);
    expect(validate.stdout).toMatch(/^Usage: ferry validate --devices FILE \[--json\]/);
  });

  it('when the command or a flag is unknown, then one line on stderr says why and it exits 2', async () => {
    expect(await ferry('migrate')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'ferry: unknown command "migrate" (see ferry --help)\n',
    });
    expect(await ferry('validate', '--devices', BAD, '--verbose')).toEqual({
      code: 2,
      stdout: '',
      stderr: "ferry validate: Unknown option '--verbose' (see ferry validate --help)\n",
    });
  });

  it('when no command is given, then usage goes to stderr and it exits 2', async () => {
    const run = await ferry();
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Usage: ferry <command>/);
  });
});
