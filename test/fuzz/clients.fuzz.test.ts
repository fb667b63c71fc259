/**
 * The API clients (Workspace ONE, Apple Business Manager, Microsoft Graph for Intune) against random
 * answers from a loopback server: every call resolves to a value of its schema or rejects with one of
 * the clients' typed errors (src/services/shared/errors.ts), whose message holds no credential. A raw
 * TypeError, SyntaxError or ZodError fails the property; an unhandled rejection fails the test (Jest
 * does); a call that never settles fails its run (fast-check's `timeout`). A server that never answers,
 * or stops mid-body, costs each call no more than its attempts' timeouts.
 */
import fc from 'fast-check';
import { AppleBusinessManagerClient } from '../../src/services/abm';
import { IntuneClient } from '../../src/services/intune';
import { CLIENT_ERROR_TYPES, FerryClientError } from '../../src/services/shared/errors';
import type { RetryPolicy } from '../../src/services/shared/retry';
import { WorkspaceOneClient } from '../../src/services/workspace-one';
import { keyPair } from '../abm/fixture';
import { startScriptedServer, type ScriptedServer, type Step } from '../clients/scripted-server';
import { rejectionOf } from '../helpers/rejection';
import { ABM_CALLS, INTUNE_CALLS, TOKEN_BODY, WORKSPACE_ONE_CALLS, type Call } from './client-calls';
import { answerFor, inflated, successFor } from './http-answers';

const PASSWORD = 'fuzz-password-9Zk4mQ';
const CLIENT_SECRET = 'fuzz-client-secret-7Hq2xW';
const CREDENTIALS = [PASSWORD, CLIENT_SECRET, TOKEN_BODY.access_token];

/** Two attempts, a millisecond's backoff: a retried call costs nothing, and retries are exercised. */
const RETRY: Partial<RetryPolicy> = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 0 };
/** Ample for a few MB over loopback; only the hang tests wait for a timeout, with their own. */
const TIMEOUT_MS = 10_000;
/** Every answer repeats for every page: a paged call reads this many and stops. */
const MAX_PAGES = 3;

const abmKey = keyPair().privateKeyPem;
let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const ws1 = (oauth: boolean, timeoutMs = TIMEOUT_MS) =>
  new WorkspaceOneClient({
    baseUrl: server.url,
    tenantCode: 'T',
    auth: oauth
      ? { kind: 'oauth', tokenUrl: `${server.url}/connect/token`, clientId: 'c', clientSecret: CLIENT_SECRET }
      : { kind: 'basic', username: 'api', password: PASSWORD },
    timeoutMs,
    retry: RETRY,
    maxPages: MAX_PAGES,
  });

const abm = (timeoutMs = TIMEOUT_MS) =>
  new AppleBusinessManagerClient({
    apiBaseUrl: server.url,
    tokenUrl: `${server.url}/auth/oauth2/token`,
    clientId: 'BUSINESSAPI.fuzz',
    keyId: 'k',
    privateKeyPem: abmKey,
    timeoutMs,
    retry: RETRY,
    maxPages: MAX_PAGES,
  });

const intune = (timeoutMs = TIMEOUT_MS) =>
  new IntuneClient({
    tenantId: 'tenant',
    clientId: 'c',
    clientSecret: CLIENT_SECRET,
    graphBaseUrl: `${server.url}/v1.0`,
    tokenUrl: `${server.url}/tenant/oauth2/v2.0/token`,
    timeoutMs,
    retry: RETRY,
    maxPages: MAX_PAGES,
  });

/** The call resolved to a value of its schema, or rejected with a typed client error naming no credential. */
async function expectValueOrTypedError(call: Call<never>, promise: Promise<unknown>): Promise<void> {
  let value: unknown;
  try {
    value = await promise;
  } catch (err) {
    const error = err as FerryClientError;
    const seen = { call: call.name, error: String(err) };
    expect({ ...seen, typed: err instanceof FerryClientError }).toEqual({ ...seen, typed: true });
    expect(CLIENT_ERROR_TYPES).toContain(error.type);
    expect(error.name).toBe(error.type);
    for (const secret of CREDENTIALS) expect(error.message).not.toContain(secret);
    return;
  }
  const parsed = call.result.safeParse(value);
  expect({ call: call.name, issues: parsed.error?.issues }).toEqual({ call: call.name, issues: undefined });
}

const VALID_TOKEN: Step = { status: 200, body: TOKEN_BODY };

/** Runs per call: a success with any body (what parsing must survive), and any answer at all. */
const BODY_RUNS = { numRuns: 60, timeout: 30_000 };
const ANSWER_RUNS = { numRuns: 20, timeout: 30_000 };

/**
 * For each call of a client: a property over successes with any body, the token request answered
 * well; a body of a few MB; and a property over any answer, the token request's too.
 */
function fuzzCalls<C>(
  service: string,
  calls: Call<C>[],
  tokenRoute: string,
  client: (oauth: boolean) => C,
): void {
  describe(`${service} client, fuzzed`, () => {
    it.each(calls)(
      `when $name is answered 2xx with any body, then a valid value or a typed error`,
      async (call) => {
        await fc.assert(
          fc.asyncProperty(successFor(call.valid), fc.boolean(), async (answer, oauth) => {
            for (const route of call.routes) server.script(route, answer);
            server.script(tokenRoute, VALID_TOKEN);
            await expectValueOrTypedError(call as Call<never>, call.run(client(oauth)));
          }),
          {
            ...BODY_RUNS,
            examples: (call.regressions ?? []).map((body): [Step, boolean] => [{ status: 200, body }, false]),
          },
        );
      },
    );

    it.each(calls)(
      `when $name is answered a body of a few MB, then a valid value or a typed error`,
      async (call) => {
        for (const route of call.routes) server.script(route, { status: 200, raw: inflated(call.valid) });
        server.script(tokenRoute, VALID_TOKEN);
        await expectValueOrTypedError(call as Call<never>, call.run(client(true)));
      },
    );

    it.each(calls)(
      `when $name and its token request get any answer, then a valid value or a typed error`,
      async (call) => {
        await fc.assert(
          fc.asyncProperty(
            answerFor(call.valid),
            answerFor(TOKEN_BODY),
            fc.boolean(),
            async (answer, token, oauth) => {
              for (const route of call.routes) server.script(route, answer);
              server.script(tokenRoute, token);
              await expectValueOrTypedError(call as Call<never>, call.run(client(oauth)));
            },
          ),
          ANSWER_RUNS,
        );
      },
    );
  });
}

fuzzCalls('Workspace ONE', WORKSPACE_ONE_CALLS, 'POST /connect/token', (oauth) => ws1(oauth));
fuzzCalls('Apple Business Manager', ABM_CALLS, 'POST /auth/oauth2/token', () => abm());
fuzzCalls('Microsoft Graph (Intune)', INTUNE_CALLS, 'POST /tenant/oauth2/v2.0/token', () => intune());

describe('API clients, when the server never answers or stops mid-body', () => {
  const HANG_TIMEOUT_MS = 150;
  /** Each attempt's timeout, and time to spare for a slow machine: the call gave up, it did not hang. */
  const GAVE_UP_WITHIN_MS = RETRY.maxAttempts! * HANG_TIMEOUT_MS + 5_000;
  const STALLS: Record<string, Step> = {
    'no answer': 'hang',
    'headers, then silence': { status: 200, raw: '{"value": [', stall: true },
  };
  const CASES: {
    name: string;
    tokenRoute: string;
    route: string;
    run: () => Promise<unknown>;
    stallToken?: boolean;
  }[] = [
    {
      name: 'Workspace ONE user search',
      tokenRoute: 'POST /connect/token',
      route: 'GET /API/system/users/search',
      run: () => ws1(true, HANG_TIMEOUT_MS).findUserByEmail('jane@corp.example'),
    },
    {
      name: 'Workspace ONE OAuth token',
      tokenRoute: 'POST /connect/token',
      route: 'GET /API/system/users/search',
      stallToken: true,
      run: () => ws1(true, HANG_TIMEOUT_MS).findUserByEmail('jane@corp.example'),
    },
    {
      name: 'Workspace ONE registration token (sent once)',
      tokenRoute: 'POST /connect/token',
      route: 'POST /API/mdm/groups/og-1/enrollment-tokens',
      run: () =>
        ws1(false, HANG_TIMEOUT_MS).issueRegistrationToken('og-1', {
          userUuid: 'u-7',
          serialNumber: 'S1',
          platform: 'ios',
        }),
    },
    {
      name: 'ABM device read',
      tokenRoute: 'POST /auth/oauth2/token',
      route: 'GET /v1/orgDevices/S1',
      run: () => abm(HANG_TIMEOUT_MS).getOrgDevice('S1'),
    },
    {
      name: 'ABM token',
      tokenRoute: 'POST /auth/oauth2/token',
      route: 'GET /v1/orgDevices/S1',
      stallToken: true,
      run: () => abm(HANG_TIMEOUT_MS).getOrgDevice('S1'),
    },
    {
      name: 'ABM device activity (sent once)',
      tokenRoute: 'POST /auth/oauth2/token',
      route: 'POST /v1/orgDeviceActivities',
      run: () =>
        abm(HANG_TIMEOUT_MS).createDeviceActivity({
          activityType: 'ASSIGN_DEVICES',
          mdmServerId: 'M1',
          serials: ['S1'],
        }),
    },
    {
      name: 'Intune managed device list',
      tokenRoute: 'POST /tenant/oauth2/v2.0/token',
      route: 'GET /v1.0/deviceManagement/managedDevices',
      run: () => intune(HANG_TIMEOUT_MS).listManagedDevices(),
    },
    {
      name: 'Intune token',
      tokenRoute: 'POST /tenant/oauth2/v2.0/token',
      route: 'GET /v1.0/deviceManagement/managedDevices',
      stallToken: true,
      run: () => intune(HANG_TIMEOUT_MS).listManagedDevices(),
    },
    {
      name: 'Intune retire (sent once)',
      tokenRoute: 'POST /tenant/oauth2/v2.0/token',
      route: 'POST /v1.0/deviceManagement/managedDevices/dev-1/retire',
      run: () => intune(HANG_TIMEOUT_MS).retire('dev-1'),
    },
  ];

  for (const [stallName, stall] of Object.entries(STALLS)) {
    it.each(CASES)(
      `when $name meets ${stallName}, then it gives up with Transient within its timeouts`,
      async (c) => {
        server.script(c.tokenRoute, c.stallToken ? stall : VALID_TOKEN);
        server.script(c.route, c.stallToken ? { status: 200, body: {} } : stall);
        const started = Date.now();
        const error = await rejectionOf(c.run());
        expect(error).toBeInstanceOf(FerryClientError);
        expect(error.type).toBe('Transient');
        expect(Date.now() - started).toBeLessThan(GAVE_UP_WITHIN_MS);
      },
    );
  }
});
