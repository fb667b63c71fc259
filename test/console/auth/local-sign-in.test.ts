import type { AccountState, AccountStore } from '../../../src/console/server/auth/account-state';
import { totpCode } from '../../../src/console/server/auth/credentials';
import { signInLocally } from '../../../src/console/server/auth/local-sign-in';
import { finishSetUp, openSetUpLink } from '../../../src/console/server/auth/set-up-links';
import { ApiError } from '../../../src/console/server/errors';
import { TEST_PASSWORD, setUpLinkFor, testAccountStore } from '../auth-helpers';

/**
 * Local sign-in as a timing observer sees it: an unknown username does the same work as a known one
 * with a wrong password (the password check and a store write), so that how long the answer takes does
 * not tell which usernames exist. Counted through a store that wraps the real one.
 */

class CountingStore implements AccountStore {
  updates = 0;
  constructor(private readonly inner: AccountStore) {}
  get location() {
    return this.inner.location;
  }
  read() {
    return this.inner.read();
  }
  update<T>(change: (state: AccountState) => T): Promise<T> {
    this.updates += 1;
    return this.inner.update(change);
  }
  close() {
    return this.inner.close();
  }
}

const accounts = testAccountStore();
afterAll(() => accounts.remove());
const SETTINGS = { lockoutAttempts: 5, lockoutMs: 15 * 60_000 };

/** What signing in answers (the error's status, code and message), and how many store writes it took. */
async function attempt(store: CountingStore, username: string) {
  const before = store.updates;
  const answer = await signInLocally(
    store,
    SETTINGS,
    { username, password: 'not the password at all', code: '123456' },
    Date.now,
  ).then(
    () => 'signed in',
    (err: ApiError) => ({ status: err.statusCode, error: err.error, message: err.message }),
  );
  return { answer, writes: store.updates - before };
}

test('when the username is unknown, then sign-in does the store write a known one does, and answers the same', async () => {
  const link = await setUpLinkFor(accounts.store, 'viewer');
  const { totpSecret } = await openSetUpLink(accounts.store, link.token, Date.now());
  await finishSetUp(
    accounts.store,
    { token: link.token, password: TEST_PASSWORD, code: totpCode(totpSecret) },
    Date.now,
  );
  const store = new CountingStore(accounts.store);

  const known = await attempt(store, link.username);
  const unknown = await attempt(store, 'nobody-by-this-name');

  expect(known.writes).toBe(1);
  expect(unknown).toEqual(known);
});
