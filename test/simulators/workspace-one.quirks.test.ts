/**
 * The simulator serves the public model by default (wire names, documented answers), names every other
 * behaviour as a quirk listed in its README with its default, and says which behaviours are fastify's.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_QUIRKS } from '../../src/services/workspace-one/simulator/store';
import { BASIC, SOURCE, TARGET, eventually, fixtureSimulatorPerTest } from './ws1-fixture';

const { sim } = fixtureSimulatorPerTest({ behaviour: { commandDelayMs: 10, enrollDelayMs: 10 } });
const basic = `Basic ${Buffer.from(`${BASIC.username}:${BASIC.password}`).toString('base64')}`;
const call = (url: string, tenant = SOURCE, version = 1, init: RequestInit = {}) =>
  fetch(`${sim.url}${url}`, {
    ...init,
    headers: {
      'aw-tenant-code': tenant,
      Authorization: basic,
      Accept: `application/json;version=${version}`,
    },
  });

const README = readFileSync(
  path.join(__dirname, '../../src/services/workspace-one/simulator/README.md'),
  'utf8',
);

describe('the public model, by default', () => {
  it('when the v3 device search answers, then its records carry Id{Value}, Uuid and device_friendly_name', async () => {
    const og = sim.tenant(SOURCE).groups[0]!.uuid;
    sim.tenant(SOURCE).devices[0]!.friendlyName = 'Jane iPhone';
    const res = await call(`/API/mdm/devices/search?organization_group_uuid=${og}&page_size=1`, SOURCE, 3);
    const body = (await res.json()) as { devices: Record<string, unknown>[] };
    const device = sim.tenant(SOURCE).devices[0]!;
    expect(body.devices[0]).toMatchObject({
      Id: { Value: device.id },
      Uuid: device.uuid,
      serial_number: 'IOSSTD0001',
      device_friendly_name: 'Jane iPhone',
    });
    expect(Object.keys(body.devices[0]!)).not.toEqual(
      expect.arrayContaining(['uuid', 'friendly_name', 'AndroidManagementMode']),
    );
  });

  it('when a device record is read, then it has no AndroidManagementMode (no public model has one)', async () => {
    const res = await call('/API/mdm/devices?searchby=Serialnumber&id=ANDLEG0003');
    expect(Object.keys((await res.json()) as object)).not.toContain('AndroidManagementMode');
  });

  it('when a device enrolled to a single-staging user is switched, then 400 (Multi-Staging only) and it stays', async () => {
    const source = sim.tenant(SOURCE).devices.find((d) => d.serialNumber === 'IOSADE0002')!;
    await call(`/API/mdm/devices/${source.uuid}/commands/DeviceWipe`, SOURCE, 2, { method: 'POST' });
    const staged = await eventually(async () => sim.device(TARGET, 'IOSADE0002'));
    const sam = sim.tenant(TARGET).users.find((u) => u.email === 'sam.ade@corp.example')!;
    const path = `/API/mdm/devices/${staged.id}/enrollmentuser/${sam.id}`;

    const refused = await call(path, TARGET, 2, { method: 'PATCH' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      errorCode: 400,
      message: expect.stringMatching(/Multi-Staging/),
    });
    expect(sim.device(TARGET, 'IOSADE0002')?.userId).toBe(staged.userId);

    sim.state.quirks.stagingUserSwitch = 'single-staging-too';
    const switched = await call(path, TARGET, 2, { method: 'PATCH' });
    expect(switched.status).toBe(200);
    expect(sim.device(TARGET, 'IOSADE0002')?.userId).toBe(sam.id);
  });
});

describe('quirks', () => {
  it('when the README lists the quirks, then each setting is there with its default, and only those', () => {
    const rows = README.slice(README.indexOf('## Quirks'), README.indexOf('## Server behaviours'))
      .split('\n')
      .map((line) => /^\| `(\w+)`\s*\| `?([^`|]+?)`?\s*\|/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null);
    const listed = Object.fromEntries(rows.map((m) => [m[1], m[2]]));
    const defaults = Object.fromEntries(
      Object.entries(DEFAULT_QUIRKS).map(([key, value]) => [
        key,
        Array.isArray(value) ? JSON.stringify(value) : String(value),
      ]),
    );
    expect(listed).toEqual(defaults);
  });

  it('when a path exists only in other versions, then the wrongVersionStatus quirk answers (406 by default)', async () => {
    expect((await call('/API/mdm/devices/search')).status).toBe(406);
    sim.state.quirks.wrongVersionStatus = 404;
    expect((await call('/API/mdm/devices/search')).status).toBe(404);
  });
});

describe('server behaviours (fastify), as the README lists them', () => {
  it('when /_sim is written in capitals with a trailing slash, then it still answers', async () => {
    const res = await fetch(`${sim.url}/_SIM/LEDGER/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
    expect(README).toContain('`/_SIM/LEDGER/` is the ledger');
  });

  it('when an API path ends with a slash, then it is the same route', async () => {
    const res = await call('/API/system/groups/search/?groupid=src-corp');
    expect(res.status).toBe(200);
  });

  it('when a path parameter is too long or badly encoded, then fastify answers before the credentials', async () => {
    const long = await fetch(`${sim.url}/API/mdm/dep/profiles/${'x'.repeat(1_001)}`);
    expect(long.status).toBe(414);
    expect(await long.json()).toMatchObject({ code: 'FST_ERR_MAX_PARAM_LENGTH' });
    const bad = await fetch(`${sim.url}/API/mdm/dep/profiles/%E0%A4%A`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'FST_ERR_BAD_URL' });
    expect(README).toMatch(/over 1,000 characters is \*\*414\*\*/);
  });
});
