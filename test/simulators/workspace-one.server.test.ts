/** The simulator's HTTP surface, admin endpoints, seeding, generator, command line and fault machinery. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseCsv } from '../../src/services/workspace-one/simulator/csv';
import { corrupt, FaultInjector } from '../../src/services/workspace-one/simulator/faults';
import { generateFleet, startWorkspaceOneSimulator } from '../../src/services/workspace-one/simulator';
import { BASIC, OAUTH, SOURCE, TARGET, basicClient, fixtureSimulatorPerTest } from './ws1-fixture';

const { sim } = fixtureSimulatorPerTest({ behaviour: { commandDelayMs: 10, enrollDelayMs: 10 } });
const basic = `Basic ${Buffer.from(`${BASIC.username}:${BASIC.password}`).toString('base64')}`;
const headers = (extra: Record<string, string> = {}) => ({
  'aw-tenant-code': SOURCE,
  Authorization: basic,
  Accept: 'application/json;version=1',
  ...extra,
});

describe('HTTP surface', () => {
  it('when the prefix and query names change case, then the same endpoint answers', async () => {
    for (const path of [
      '/API/mdm/devices?searchby=Serialnumber&id=IOSSTD0001',
      '/api/MDM/Devices?SearchBy=serialnumber&ID=iosstd0001',
    ]) {
      const res = await fetch(`${sim.url}${path}`, { headers: headers() });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { SerialNumber: string }).SerialNumber).toBe('IOSSTD0001');
    }
  });

  it('when credentials or the tenant code are missing or wrong, then 401 with the error body', async () => {
    const attempts = [
      { Authorization: basic, Accept: 'application/json' },
      headers({ Authorization: 'Basic ' + Buffer.from('ferry-api:nope').toString('base64') }),
      headers({ Authorization: 'Bearer unknown' }),
      headers({ 'aw-tenant-code': 'WRONG' }),
    ];
    for (const h of attempts) {
      const res = await fetch(`${sim.url}/API/system/groups/search?groupid=src-corp`, { headers: h });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        errorCode: 401,
        message: expect.any(String),
        activityId: expect.any(String),
      });
    }
  });

  it('when the Accept version does not fit the endpoint, then 406; an unknown path is 404', async () => {
    const wrong = await fetch(`${sim.url}/API/mdm/devices/search`, { headers: headers() });
    expect(wrong.status).toBe(406);
    const v3 = await fetch(`${sim.url}/API/mdm/devices/search`, {
      headers: headers({ Accept: 'application/json;version=3' }),
    });
    expect(v3.status).toBe(200);
    expect((await fetch(`${sim.url}/API/nothing/here`, { headers: headers() })).status).toBe(404);
  });

  it('when a user search finds nothing, then 204 with an empty body by default', async () => {
    const res = await fetch(`${sim.url}/API/system/users/search?email=nobody`, { headers: headers() });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('when the token endpoint gets a form (or Basic client credentials), then a bearer token', async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...toSnake(OAUTH) });
    const ok = await fetch(`${sim.url}/connect/token`, { method: 'POST', body: form });
    expect(await ok.json()).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'api',
    });
    const viaBasic = await fetch(`${sim.url}/connect/token`, {
      method: 'POST',
      headers: {
        Authorization: 'Basic ' + Buffer.from(`${OAUTH.clientId}:${OAUTH.clientSecret}`).toString('base64'),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(viaBasic.status).toBe(200);
    const badGrant = await fetch(`${sim.url}/connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password' }),
    });
    expect(badGrant.status).toBe(400);
    expect(sim.oauthTokensIssued()).toBe(2);
  });
});

describe('admin endpoints', () => {
  it('when a user is added over /_sim, then the client finds it and the ledger says so', async () => {
    const res = await fetch(`${sim.url}/_sim/tenants/${TARGET}/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'late.user@corp.example', display_name: 'Late User' }),
    });
    expect(res.status).toBe(201);
    expect(await basicClient(sim, TARGET).findUserByEmail('late.user@corp.example')).toMatchObject({
      displayName: 'Late User',
    });
    const ledger = (await (
      await fetch(`${sim.url}/_sim/ledger?tenant=${TARGET}&kind=admin.user.added`)
    ).json()) as unknown[];
    expect(ledger).toHaveLength(1);
  });

  it('when faults are set over /_sim, then API calls fail but /_sim keeps answering', async () => {
    const set = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ serverErrorRate: 1 }),
    });
    expect(((await set.json()) as { serverErrorRate: number }).serverErrorRate).toBe(1);
    const api = await fetch(`${sim.url}/API/system/groups/search?groupid=src-corp`, { headers: headers() });
    expect([500, 502, 503]).toContain(api.status);
    expect((await fetch(`${sim.url}/_sim/faults`)).status).toBe(200);
  });

  it('when API calls are made, then /_sim/requests counts them (a 401 too) by tenant, method and route pattern', async () => {
    const url = `${sim.url}/API/mdm/devices?searchby=Serialnumber&id=IOSSTD0001`;
    for (let i = 0; i < 2; i++) await fetch(url, { headers: headers() });
    await fetch(url, { headers: headers({ Authorization: 'Bearer unknown' }) });
    const counts = (await (await fetch(`${sim.url}/_sim/requests`)).json()) as {
      tenant: string;
      method: string;
      route: string;
      count: number;
    }[];
    expect(counts).toEqual(
      expect.arrayContaining([{ tenant: SOURCE, method: 'GET', route: '/mdm/devices', count: 3 }]),
    );
  });

  it('when an ADE device is assigned over /_sim, then it joins the tenant ADE list, and leaves it', async () => {
    const route = `${sim.url}/_sim/tenants/${TARGET}/ade-devices/BENCHADE1`;
    const listed = () =>
      sim.state.tenants.get(TARGET)!.adeDevices.some((d) => d.serialNumber === 'BENCHADE1');
    const post = (body: unknown) => fetch(route, { method: 'POST', body: JSON.stringify(body) });
    expect((await post({ assigned: true })).status).toBe(200);
    expect(listed()).toBe(true);
    expect((await post({ assigned: false })).status).toBe(200);
    expect(listed()).toBe(false);
    expect((await post({})).status).toBe(400);
  });

  it('when a rate limit is set over /_sim, then the tenant gets 429 with Retry-After', async () => {
    await fetch(`${sim.url}/_sim/tenants/${SOURCE}/rate-limit`, {
      method: 'POST',
      body: JSON.stringify({ perMinute: 1 }),
    });
    const url = `${sim.url}/API/system/groups/search?groupid=src-corp`;
    expect((await fetch(url, { headers: headers() })).status).toBe(200);
    const limited = await fetch(url, { headers: headers() });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(60);
  });

  it('when quirks change over /_sim/settings, then the API follows; a bad seed is a 400', async () => {
    const set = await fetch(`${sim.url}/_sim/settings`, {
      method: 'POST',
      body: JSON.stringify({ quirks: { emptySearchStatus: 200 }, behaviour: { enrollDelayMs: 1 } }),
    });
    expect(set.status).toBe(200);
    expect(sim.state.behaviour.enrollDelayMs).toBe(1);
    const empty = await fetch(`${sim.url}/API/system/users/search?email=nobody`, { headers: headers() });
    expect(empty.status).toBe(200);
    expect(((await empty.json()) as { Users: unknown[] }).Users).toEqual([]);
    const bad = await fetch(`${sim.url}/_sim/seed`, {
      method: 'POST',
      body: JSON.stringify({ tenants: [{}] }),
    });
    expect(bad.status).toBe(400);
  });

  it('when the state is read, then both tenants with device statuses and no credentials', async () => {
    const state = (await (await fetch(`${sim.url}/_sim/state`)).json()) as {
      tenants: { code: string; devices: { enrollmentStatus: string }[] }[];
    };
    expect(state.tenants.map((t) => t.code)).toEqual([SOURCE, TARGET]);
    expect(state.tenants[0]!.devices.every((d) => d.enrollmentStatus === 'Enrolled')).toBe(true);
    expect(JSON.stringify(state)).not.toContain(BASIC.password);
  });
});

describe('seeding and generation', () => {
  it('when a users CSV has a BOM, quotes and mixed-case headers, then every user is added once', () => {
    const csv =
      '\uFEFFEmail,Username,Display_Name\r\nnew.one@corp.example,newone,"One, New"\r\nJANE.DOE@corp.example,x,y\r\n';
    const users = sim.seedUsersCsv(TARGET, csv);
    expect(users[0]).toMatchObject({
      email: 'new.one@corp.example',
      userName: 'newone',
      displayName: 'One, New',
    });
    expect(users[1]!.userName).toBe('jdoe');
    expect(
      sim.tenant(TARGET).users.filter((u) => u.email.toLowerCase() === 'jane.doe@corp.example'),
    ).toHaveLength(1);
  });

  it('when a fleet is generated twice with one seed, then it is identical; another seed differs', () => {
    const a = generateFleet({ devices: 30, seed: 5 });
    expect(generateFleet({ devices: 30, seed: 5 })).toEqual(a);
    expect(generateFleet({ devices: 30, seed: 6 }).devices).not.toEqual(a.devices);
    expect(new Set(a.devices.map((d) => d.serial_number)).size).toBe(30);
    const ade = a.devices.filter((d) => d.enrollment_kind === 'ade').length;
    expect(a.seed.tenants[1]!.adeDevices).toHaveLength(ade);
  });

  it('when the simulator starts with a generated fleet, then source and target are populated', async () => {
    const generated = await startWorkspaceOneSimulator({
      generate: { devices: 12, seed: 3, missingTargetUserShare: 0.5 },
    });
    try {
      expect(generated.tenant('SOURCE').devices).toHaveLength(12);
      const targetUsers = generated.tenant('TARGET').users.filter((u) => !u.email.endsWith('.invalid'));
      expect(targetUsers.length).toBeLessThan(12);
      expect(generated.fleet?.devices).toHaveLength(12);
    } finally {
      await generated.close();
    }
  });
});

describe('command line', () => {
  it('when started with a generated fleet, then it prints its URL, writes the device list and serves', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ws1-sim-'));
    const list = path.join(dir, 'devices.csv');
    const child = spawn(
      process.execPath,
      [
        require.resolve('ts-node/dist/bin'),
        '--transpile-only',
        'src/services/workspace-one/simulator/main.ts',
        '--generate',
        '4',
        '--device-list',
        list,
      ],
      { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const [line] = (await once(readline.createInterface({ input: child.stdout! }), 'line')) as [string];
      const { url, tenants } = JSON.parse(line) as { url: string; tenants: string[] };
      expect(tenants).toEqual(['SOURCE', 'TARGET']);
      const state = (await (await fetch(`${url}/_sim/tenants/SOURCE`)).json()) as { devices: unknown[] };
      expect(state.devices).toHaveLength(4);
      const rows = parseCsv(readFileSync(list, 'utf8'));
      expect(rows[0]).toEqual([
        'serial_number',
        'platform',
        'enrollment_kind',
        'user_email',
        'udid',
        'imei',
        'model',
        'friendly_name',
      ]);
      expect(rows).toHaveLength(5);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }, 20_000);
});

describe('fault machinery', () => {
  it('when two injectors share a seed, then they make the same decisions', () => {
    const config = {
      seed: 99,
      serverErrorRate: 0.3,
      resetRate: 0.1,
      malformedRate: 0.2,
      latency: { probability: 0.5, minMs: 1, maxMs: 9 },
    };
    const a = new FaultInjector(config);
    const b = new FaultInjector(config);
    const decisions = Array.from({ length: 200 }, () => a.decide('/x', 'T'));
    expect(Array.from({ length: 200 }, () => b.decide('/x', 'T'))).toEqual(decisions);
    const errors = decisions.filter((d) => d.action === 'server-error').length;
    expect(errors).toBeGreaterThan(30);
    expect(errors).toBeLessThan(90);
  });

  it('when scoped to a path or tenant, then other requests are untouched', () => {
    const f = new FaultInjector({ serverErrorRate: 1, pathPattern: '^/mdm/', tenants: ['T'] });
    expect(f.decide('/system/users/search', 'T').action).toBe('none');
    expect(f.decide('/mdm/devices', 'U').action).toBe('none');
    expect(f.decide('/MDM/devices', 'T').action).toBe('server-error');
  });

  it('when a body is corrupted, then the shape stays and leaf types change', () => {
    expect(corrupt({ Users: [{ Email: 'a', Id: { Value: 1 }, Ok: true, N: null }] })).toEqual({
      Users: [{ Email: 12345, Id: { Value: '1' }, Ok: 'yes', N: null }],
    });
  });

  it('when CSV has quoted newlines and doubled quotes, then the cells are exact', () => {
    expect(parseCsv('a,b\n"x\ny","say ""hi"""\n\n')).toEqual([
      ['a', 'b'],
      ['x\ny', 'say "hi"'],
    ]);
  });
});

function toSnake(o: { clientId: string; clientSecret: string }) {
  return { client_id: o.clientId, client_secret: o.clientSecret };
}
