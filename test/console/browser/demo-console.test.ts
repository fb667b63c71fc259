import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browserPerFile, openConsole } from '../../helpers/browser';
import { finishSetUpPage } from '../auth-helpers';
import { untilText } from './page-reads';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const browser = browserPerFile();

/** `npm run demo -- --console` as a user runs it (on the suite's dev server): the Owner's set-up link it prints, then Ctrl-C. */
test('when the demo runs with --console, then its Owner set-up link signs in and its migration is in the console until Ctrl-C, which stops the demo cleanly', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-demo-console-'));
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      'src/demo/main.ts',
      '--devices',
      '4',
      '--console',
      '--console-port',
      '0',
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: process.env.FERRY_TEST_TEMPORAL_ADDRESS,
        FERRY_STATE_DIR: stateDir,
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const [consoleLine, setUpLink] = await new Promise<[string, string]>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = /^Console: (http:\/\/127\.0\.0\.1:\d+\/migrations\/\S+) \(sign-in required\)$/m.exec(
        stdout,
      );
      const link = /^Set up the demo's Owner account .*: (http:\/\/127\.0\.0\.1:\d+\/set-up#\S+)$/m.exec(
        stdout,
      );
      if (line && link) resolve([line[1]!, link[1]!]);
    });
    void exited.then((code) => reject(new Error(`the demo exited (${code}) first:\n${stdout}\n${stderr}`)));
  });
  try {
    expect(stdout).toContain('Every device reached the status the scenario expects.');
    const url = new URL(consoleLine);
    const tab = await openConsole(browser, url.origin);
    try {
      await finishSetUpPage(tab.page, setUpLink);
      await tab.page.goto(url.pathname);
      await untilText(tab.page, '#state', 'finished');
      await untilText(tab.page, '#counts [data-status=reenrolled] .legend-count', /^4$/);
      await untilText(tab.page, '#signed-in', 'Demo Owner · owner');
      expect(tab.problems).toEqual([]);
    } finally {
      await tab.close();
    }
  } finally {
    child.kill('SIGINT');
  }
  expect({ code: await exited, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toContain('stay up until Ctrl-C');
}, 300_000);
