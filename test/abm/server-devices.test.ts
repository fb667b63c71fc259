import axios from 'axios';
import { NEW_SERVER, OLD_SERVER, bearer, failure, serials, startEnv, type Env } from './fixture';

const devicesOf = (server: string) => `/v1/mdmServers/${server}/relationships/devices`;

describe('ABM: the serials assigned to an MDM server (GET /v1/mdmServers/{id}/relationships/devices)', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.sim.close();
    env = undefined;
  });

  it('when 2,500 devices sit on a server, then listServerDeviceSerials reads them in three GETs of 1,000', async () => {
    env = await startEnv({ deviceCount: 2_500 });

    const listed = await env.client.listServerDeviceSerials(OLD_SERVER);

    expect(listed).toEqual(serials(2_500));
    const reads = env.sim.apiRequests().filter((r) => r.path === devicesOf(OLD_SERVER));
    expect(reads).toEqual(Array(3).fill({ method: 'GET', path: devicesOf(OLD_SERVER) }));
    await expect(env.client.listServerDeviceSerials(NEW_SERVER)).resolves.toEqual([]);
  });

  it('when a page is not the last, then links.next carries the cursor and meta.paging repeats it', async () => {
    env = await startEnv({ deviceCount: 3 });
    const headers = { Authorization: await bearer(env) };
    const url = `${env.sim.url}${devicesOf(OLD_SERVER)}`;

    const first = await axios.get(url, { headers, params: { limit: 2 } });
    expect(first.data).toMatchObject({
      data: [
        { type: 'orgDevices', id: serials(1)[0] },
        { type: 'orgDevices', id: serials(2)[1] },
      ],
      links: { self: url, related: `${env.sim.url}/v1/mdmServers/${OLD_SERVER}/devices` },
      meta: { paging: { limit: 2, nextCursor: expect.any(String) } },
    });
    const next = new URL(first.data.links.next as string);
    expect(next.searchParams.get('cursor')).toBe(first.data.meta.paging.nextCursor);

    const last = await axios.get(next.toString(), { headers });
    expect(last.data.data).toEqual([{ type: 'orgDevices', id: serials(3)[2] }]);
    expect(last.data.links.next).toBeUndefined();
    expect(last.data.meta.paging.nextCursor).toBeUndefined();
  });

  it("when the server is unknown, then 404 with Apple's error body, which the client turns into NotFound", async () => {
    env = await startEnv();
    const raw = await axios.get(`${env.sim.url}${devicesOf('NOSUCHSERVER')}`, {
      headers: { Authorization: await bearer(env) },
      validateStatus: () => true,
    });
    expect(raw.status).toBe(404);
    expect(raw.data).toEqual({
      errors: [
        {
          id: expect.any(String),
          status: '404',
          code: 'NOT_FOUND',
          title: "The specified resource doesn't exist",
          detail: "There is no resource of type 'mdmServers' with id 'NOSUCHSERVER'",
        },
      ],
    });

    const err = await failure(env.client.listServerDeviceSerials('NOSUCHSERVER'));
    expect(err).toMatchObject({ name: 'NotFound', status: 404, remoteCode: 'NOT_FOUND' });
  });
});
