import { devServerEnvPerFile } from '../../helpers/temporal';
import { perFile } from '../../helpers/set-up';
import type { InjectSession } from '../auth-helpers';
import { openConsole, type ConsoleSession } from './console-fixture';

/**
 * What an Owner's account changes leave behind: an Owner who stops being one (made Admin, or disabled)
 * takes the unused links they made that would make someone else an Owner with them; their other
 * invitations stay.
 */

const env = devServerEnvPerFile();
const owner: () => ConsoleSession = perFile(
  'a console with an Owner signed in',
  () => openConsole(env, undefined, {}, 'owner'),
  (c) => c.app.close(),
);

interface Listed {
  accounts: { id: string; username: string }[];
  invitations: { username: string; role: string }[];
}
const listed = async () => (await owner().get('/api/accounts')).json() as Listed;

async function invite(by: InjectSession, username: string, role: string) {
  const answer = await by.post('/api/accounts/invitations', { username, name: username, role });
  expect(answer.statusCode).toBe(200);
}

test.each([
  ['made Admin', { role: 'admin' }],
  ['disabled', { disabled: true }],
])(
  'when an Owner is %s, then the unused invitations they made to the Owner role are revoked; others stay',
  async (_how, change) => {
    const other = await owner().as('owner');
    const tag = Object.keys(change)[0];
    await invite(other, `${tag}-next-owner`, 'owner');
    await invite(other, `${tag}-viewer`, 'viewer');
    await invite(owner(), `${tag}-kept-owner`, 'owner');
    const id = (await listed()).accounts.find((a) => a.username === other.username)!.id;

    expect((await owner().post(`/api/accounts/${id}`, change)).statusCode).toBe(200);

    const open = (await listed()).invitations.map((i) => `${i.username}=${i.role}`);
    expect(open).not.toContain(`${tag}-next-owner=owner`);
    expect(open).toEqual(expect.arrayContaining([`${tag}-viewer=viewer`, `${tag}-kept-owner=owner`]));
  },
);
