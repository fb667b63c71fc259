import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pLimit from 'p-limit';
import { DeviceTable, tableBuilder } from '../src/console/server/device-table';
import { startConsole } from '../src/console/server/serve';
import { FileMigrationStore } from '../src/services/device-lists/store';
import { startDevServer } from '../src/temporal/dev-server';
import { freePort } from '../src/temporal/free-port';
import { startDeviceMigration } from '../src/temporal/start-device';
import { DEFAULT_MIGRATION_OPTIONS, type DeviceInput } from '../src/workflows/device/messages';
import { launchChromium } from '../test/helpers/browser';
import { browserCookies, signedIn } from '../test/console/auth-helpers';
import { FileAccountStore } from '../src/console/server/auth/account-store';

const USAGE = `npx ts-node --transpile-only bench/console-devices.ts [--devices N] [--runs N] [--json]

The admin console's devices table with N devices in one migration (default 10000): a fresh in-memory
Temporal dev server, the list saved in a state folder, N device workflows started (no worker: they stay
listed in visibility as getting_ready, which is all the table reads besides the saved list), the console
in this process, Debian's chromium. Measures, each --runs times (default 5), the API's time to first
byte for the table's first page (cold: no merged list kept, the request waits for its build; expired:
the kept list past its 5 s, answering while one build refreshes it; warm: within its 5 s; and 10
requests at once on a cold table, with the builds they caused), other pages, sorts and filters, and the
browser's time from navigation to the drawn table (cold, expired, warm). The console's clock is moved
past the 5 s instead of waiting, and each background refresh is awaited before the next measurement.
Progress on stderr.`;

function args() {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: '10000' },
      runs: { type: 'string', default: '5' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const whole = (flag: string, text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag}: "${text}" is not a positive whole number`);
    return n;
  };
  return {
    help: values.help,
    devices: whole('devices', values.devices),
    runs: whole('runs', values.runs),
    json: values.json,
  };
}

const say = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function device(i: number): DeviceInput {
  const ios = i % 3 !== 0;
  return {
    serialNumber: `BENCH${String(i).padStart(6, '0')}`,
    platform: ios ? 'ios' : 'android',
    enrollmentKind: ios ? (i % 2 ? 'ade' : 'standard') : 'work_profile',
    userEmail: `user${i}@corp.example`,
    model: ios ? `iPhone ${12 + (i % 4)}` : `Pixel ${6 + (i % 3)}`,
  };
}

/** Time to the response's first byte and to its end, in ms, and its size. */
/** The signed-in Viewer's cookies, sent with every request (the console answers nothing without them). */
let cookie = '';

function get(url: string): Promise<{ ttfbMs: number; totalMs: number; bytes: number; status: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { cookie } }, (res) => {
        let ttfbMs = 0;
        let bytes = 0;
        res.once('data', () => (ttfbMs = performance.now() - started));
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () =>
          resolve({ ttfbMs, totalMs: performance.now() - started, bytes, status: res.statusCode ?? 0 }),
        );
      })
      .on('error', reject);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (ms: number) => Math.round(ms);

async function main(): Promise<void> {
  const { help, devices: count, runs, json } = args();
  if (help) return void process.stdout.write(`${USAGE}\n`);
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-console-bench-'));
  // The console reads the migration store where ferry does (set before anything loads the config).
  process.env.FERRY_STATE_DIR = stateDir;
  const server = await startDevServer({
    stateDir: path.join(stateDir, 'temporal'),
    port: await freePort(),
    uiPort: false,
    dbFile: null,
    startTimeoutMs: 120_000,
  });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const migrationId = `console-bench-${count}`;
  const list = Array.from({ length: count }, (_, i) => device(i));
  try {
    await new FileMigrationStore(stateDir).saveDeviceList(migrationId, list);
    say(`Starting ${count} device workflows on ${server.address} …`);
    const limit = pLimit(64);
    const options = DEFAULT_MIGRATION_OPTIONS;
    await Promise.all(
      list.map((d) =>
        limit(() =>
          startDeviceMigration(client, 'console-bench-no-worker', { migrationId, device: d, options }),
        ),
      ),
    );
    const query = `FerryMigrationId = '${migrationId}'`;
    while ((await client.workflow.count(query)).count < count) await sleep(500);
    // The console's table, watched: its builds counted and awaited, its clock moved past the 5 s.
    const real = tableBuilder(client);
    const watch = { builds: 0, last: Promise.resolve() as Promise<unknown>, skewMs: 0 };
    const table = new DeviceTable(client, {
      build: (id) => {
        watch.builds++;
        const rows = real(id);
        watch.last = rows.catch(() => undefined);
        return rows;
      },
      now: () => Date.now() + watch.skewMs,
    });
    const expire = () => (watch.skewMs += 5_000);
    const accounts = new FileAccountStore(stateDir);
    const consoleServer = await startConsole(
      { client, namespace: 'default', taskQueue: 'console-bench-no-worker' },
      { port: 0 },
      { deviceTable: table, auth: { store: accounts } },
    );
    // Signed in as a Viewer through the set-up API, as the tests do: every request carries the session.
    const viewer = await signedIn(consoleServer.app, accounts, 'viewer');
    cookie = viewer.cookie;
    const api = `${consoleServer.url}/api/migrations/${migrationId}/devices`;
    const pages = Math.ceil(count / 50);
    const requests: Record<string, string> = {
      'first page (50, by serial)': `${api}?page=1&pageSize=50`,
      'last page': `${api}?page=${pages}&pageSize=50`,
      'sorted by email, descending': `${api}?sort=email&order=desc&pageSize=50`,
      'filtered by serial "0042"': `${api}?serial=0042&pageSize=50`,
      'filtered by model, 200 a page': `${api}?model=iPhone%2013&pageSize=200`,
    };
    const figures: Record<string, { ttfbMs: number; totalMs: number; bytes: number }> = {};
    const first = requests['first page (50, by serial)']!;
    const cold: number[] = [];
    const expired: number[] = [];
    const together: number[] = [];
    let togetherBuilds = 0;
    for (let run = 0; run < runs; run++) {
      table.forget(migrationId); // no list kept: the request waits for a build
      cold.push((await get(first)).ttfbMs);
      expire(); // past the 5 s: the kept list answers, one build refreshes it in the background
      expired.push((await get(first)).ttfbMs);
      await watch.last;
      table.forget(migrationId);
      const before = watch.builds;
      const answers = await Promise.all(Array.from({ length: 10 }, () => get(first)));
      togetherBuilds = Math.max(togetherBuilds, watch.builds - before);
      together.push(...answers.map((a) => a.ttfbMs));
    }
    figures['first page, cold (list built)'] = { ttfbMs: round(median(cold)), totalMs: 0, bytes: 0 };
    figures['first page, past 5 s (kept list, refreshed in the background)'] = {
      ttfbMs: round(median(expired)),
      totalMs: 0,
      bytes: 0,
    };
    figures[`10 requests at once, cold (builds: ${togetherBuilds})`] = {
      ttfbMs: round(median(together)),
      totalMs: 0,
      bytes: 0,
    };
    for (const [name, url] of Object.entries(requests)) {
      await get(url); // the merged list cached: these are the warm figures
      const samples = [];
      for (let run = 0; run < runs; run++) samples.push(await get(url));
      const ok = samples.every((s) => s.status === 200);
      if (!ok) throw new Error(`${name}: the console answered ${samples.map((s) => s.status).join(', ')}`);
      figures[`${name}, warm`] = {
        ttfbMs: round(median(samples.map((s) => s.ttfbMs))),
        totalMs: round(median(samples.map((s) => s.totalMs))),
        bytes: samples[0]!.bytes,
      };
    }
    say('Rendering the table in chromium …');
    const browser = await launchChromium();
    const kinds = ['cold', 'expired', 'warm'] as const;
    const render = { cold: [] as number[], expired: [] as number[], warm: [] as number[] };
    try {
      for (let run = 0; run < kinds.length * runs; run++) {
        const kind = kinds[run % kinds.length]!;
        await watch.last;
        // Cold: no list kept; expired: the kept list past its 5 s; warm: just built by a request.
        if (kind === 'cold') table.forget(migrationId);
        else if (kind === 'expired') expire();
        else await get(first);
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        await context.addCookies(browserCookies(viewer, consoleServer.url));
        const page = await context.newPage();
        await page.goto(`${consoleServer.url}/migrations/${migrationId}/devices`);
        await page.locator('#devices-table[data-state=ready]').waitFor({ timeout: 120_000 });
        const drawn = await page.evaluate(
          () => performance.getEntriesByName('ferry:devices-table')[0]!.startTime,
        );
        render[kind].push(drawn);
        await context.close();
      }
    } finally {
      await browser.close();
      await consoleServer.close();
    }
    const renderMs = {
      cold: round(median(render.cold)),
      expired: round(median(render.expired)),
      warm: round(median(render.warm)),
      all: { cold: render.cold.map(round), expired: render.expired.map(round), warm: render.warm.map(round) },
    };
    const result = { devices: count, runs, api: figures, renderMs };
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(
        `Devices table of one migration with ${count} devices (medians of ${runs} runs)\n`,
      );
      for (const [name, f] of Object.entries(figures))
        process.stdout.write(
          `  API ${name}: ${f.ttfbMs} ms to first byte${f.totalMs ? `, ${f.totalMs} ms in all, ${f.bytes} bytes` : ''}\n`,
        );
      for (const kind of kinds)
        process.stdout.write(
          `  browser, navigation to the drawn table, ${kind}: ${renderMs[kind]} ms (runs: ${renderMs.all[kind].join(', ')})\n`,
        );
    }
  } finally {
    await connection.close();
    await server.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`console-devices: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
