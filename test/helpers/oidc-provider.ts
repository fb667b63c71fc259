import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * A real OpenID provider on loopback for the console's tests (oidc-provider, in a child process: it is
 * ES modules only and must stay out of jest's module system). It has a login page of its own, the
 * test's users and their `groups` claim, and one confidential client whose redirect URIs are loopback
 * (any port, RFC 8252): the console under test listens on a free port.
 */

export interface TestIdpUser {
  login: string;
  password: string;
  name: string;
  email: string;
  groups: string[];
  /** Sent as Entra ID does past 200 groups: no `groups`, a distributed claim pointing elsewhere. */
  groupsOverage?: boolean;
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  users: TestIdpUser[];
  /** What the provider wrote on stderr so far (its warnings, a failing interaction). */
  log(): string;
  stop(): Promise<void>;
}

export const TEST_IDP_USERS: TestIdpUser[] = [
  {
    login: 'ada',
    password: 'ada-pw',
    name: 'Ada Admin',
    email: 'ada@example.com',
    groups: ['everyone', 'ferry-admins'],
  },
  {
    login: 'olga',
    password: 'olga-pw',
    name: 'Olga Owner',
    email: 'olga@example.com',
    groups: ['ferry-owners', 'ferry-viewers'],
  },
  {
    login: 'vic',
    password: 'vic-pw',
    name: 'Vic Viewer',
    email: 'vic@example.com',
    groups: ['ferry-viewers'],
  },
  {
    login: 'nora',
    password: 'nora-pw',
    name: 'Nora Nobody',
    email: 'nora@example.com',
    groups: ['everyone'],
  },
  {
    login: 'gus',
    password: 'gus-pw',
    name: 'Gus Manygroups',
    email: 'gus@example.com',
    groups: ['ferry-admins'],
    groupsOverage: true,
  },
];

/** The mapping the tests give the console: one group per role, `everyone` mapped to none. */
export const TEST_GROUP_ROLES = [
  { group: 'ferry-viewers', role: 'viewer' },
  { group: 'ferry-admins', role: 'admin' },
  { group: 'ferry-owners', role: 'owner' },
] as const;

const SCRIPT = path.join(__dirname, 'test-idp-server.mjs');

export async function startTestIdp(users: TestIdpUser[] = TEST_IDP_USERS): Promise<TestIdp> {
  const clientId = 'ferry-console';
  const clientSecret = `secret-${Math.random().toString(36).slice(2)}`;
  const redirectUris = ['http://127.0.0.1/auth/oidc/callback', 'http://localhost/auth/oidc/callback'];
  const options = { clients: [{ clientId, clientSecret, redirectUris }], users };
  const child = spawn(process.execPath, [SCRIPT, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const issuer = await issuerOf(child, () => stderr);
  return {
    issuer,
    clientId,
    clientSecret,
    users,
    log: () => stderr,
    stop: () => stopped(child),
  };
}

/** The first stdout line, `{"issuer": …}`, printed once the provider listens. */
function issuerOf(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const onData = (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n')[0];
      if (!stdout.includes('\n') || line === undefined) return;
      child.stdout!.off('data', onData);
      try {
        resolve((JSON.parse(line) as { issuer: string }).issuer);
      } catch {
        reject(new Error(`the test IdP printed ${line}`));
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the test IdP exited (${code}): ${stderr()}`)));
  });
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
