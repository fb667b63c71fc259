import { readConsoleOidcEnv } from '../../../src/config/console-oidc';
import { loadConfig } from '../../../src/config';

/** FERRY_CONSOLE_OIDC_*: read with zod, every problem naming its variable and never its value. */

const BASE = {
  FERRY_CONSOLE_OIDC_ISSUER: 'https://login.microsoftonline.com/tenant-id/v2.0',
  FERRY_CONSOLE_OIDC_CLIENT_ID: 'client-id',
  FERRY_CONSOLE_OIDC_CLIENT_SECRET: 'the-secret ',
};

const noFile = () => {
  throw new Error('no such file');
};

describe('the console’s OIDC settings', () => {
  it('when only the issuer, client id and secret are set, then the defaults fill in (secret untrimmed)', () => {
    expect(readConsoleOidcEnv(BASE, noFile)).toEqual({
      problems: [],
      oidc: {
        issuer: BASE.FERRY_CONSOLE_OIDC_ISSUER,
        clientId: 'client-id',
        clientSecret: 'the-secret ',
        scopes: ['openid', 'profile', 'email'],
        groupsClaim: 'groups',
        groupRoles: [],
      },
    });
  });

  it('when nothing is set, then no OIDC sign-in and no problem', () => {
    expect(readConsoleOidcEnv({}, noFile)).toEqual({ problems: [] });
  });

  it('when scopes, the groups claim and the mapping are set, then they are read (a group id may hold "=")', () => {
    const { oidc } = readConsoleOidcEnv(
      {
        ...BASE,
        FERRY_CONSOLE_OIDC_SCOPES: 'openid profile email groups',
        FERRY_CONSOLE_OIDC_GROUPS_CLAIM: 'roles',
        FERRY_CONSOLE_OIDC_GROUP_ROLES: ' 3f2a-object-id=admin , Ferry Owners=owner,b64==viewer,',
      },
      noFile,
    );
    expect(oidc).toMatchObject({
      scopes: ['openid', 'profile', 'email', 'groups'],
      groupsClaim: 'roles',
      groupRoles: [
        { group: '3f2a-object-id', role: 'admin' },
        { group: 'Ferry Owners', role: 'owner' },
        { group: 'b64=', role: 'viewer' },
      ],
    });
  });

  it('when the secret comes from a file, then its last newline is not part of it', () => {
    const env = {
      ...BASE,
      FERRY_CONSOLE_OIDC_CLIENT_SECRET: undefined,
      FERRY_CONSOLE_OIDC_CLIENT_SECRET_FILE: '/run/secret',
    };
    expect(readConsoleOidcEnv(env, () => 's3cret\n').oidc?.clientSecret).toBe('s3cret');
    expect(readConsoleOidcEnv(env, noFile).problems).toEqual([
      'FERRY_CONSOLE_OIDC_CLIENT_SECRET_FILE: cannot read the file',
    ]);
  });

  it('when values are wrong, then each problem names its variable and never the value', () => {
    const { oidc, problems } = readConsoleOidcEnv(
      {
        FERRY_CONSOLE_OIDC_ISSUER: 'http://idp.example.com',
        FERRY_CONSOLE_OIDC_CLIENT_SECRET: 'top-secret-value',
        FERRY_CONSOLE_OIDC_CLIENT_SECRET_FILE: '/run/secret',
        FERRY_CONSOLE_OIDC_SCOPES: 'profile email',
        FERRY_CONSOLE_OIDC_GROUP_ROLES: 'admins=admin,jane.doe@example.com=superuser',
      },
      noFile,
    );
    expect(oidc).toBeUndefined();
    expect(problems).toEqual([
      'FERRY_CONSOLE_OIDC_ISSUER: must be an https:// URL (http:// only on a loopback address)',
      'FERRY_CONSOLE_OIDC_CLIENT_ID: required with FERRY_CONSOLE_OIDC_ISSUER',
      'FERRY_CONSOLE_OIDC_CLIENT_SECRET: set FERRY_CONSOLE_OIDC_CLIENT_SECRET or FERRY_CONSOLE_OIDC_CLIENT_SECRET_FILE, not both',
      'FERRY_CONSOLE_OIDC_SCOPES: must include openid',
      'FERRY_CONSOLE_OIDC_GROUP_ROLES: entry 2: the role must be one of viewer, admin, owner',
    ]);
    expect(problems.join('\n')).not.toMatch(/top-secret|jane\.doe|superuser/);
  });

  it('when a loopback http issuer is set (a provider on this machine), then it is allowed', () => {
    const { problems } = readConsoleOidcEnv(
      { ...BASE, FERRY_CONSOLE_OIDC_ISSUER: 'http://127.0.0.1:4000' },
      noFile,
    );
    expect(problems).toEqual([]);
  });

  it('when the issuer is no URL at all, then that is its one problem, not a crash (found by test/fuzz/config.fuzz.test.ts)', () => {
    const { problems } = readConsoleOidcEnv({ ...BASE, FERRY_CONSOLE_OIDC_ISSUER: '0' }, noFile);
    expect(problems).toEqual([
      'FERRY_CONSOLE_OIDC_ISSUER: must be a URL such as https://login.example.com/tenant/v2.0',
    ]);
  });

  it('when another OIDC key is set without an issuer, then that is a problem (not a silent local-only console)', () => {
    expect(readConsoleOidcEnv({ FERRY_CONSOLE_OIDC_CLIENT_ID: 'x' }, noFile).problems).toEqual([
      'FERRY_CONSOLE_OIDC_ISSUER: required with FERRY_CONSOLE_OIDC_CLIENT_ID',
    ]);
  });

  it('when a group is mapped to two roles, then that is a problem', () => {
    const env = { ...BASE, FERRY_CONSOLE_OIDC_GROUP_ROLES: 'ops=viewer,ops=owner' };
    expect(readConsoleOidcEnv(env, noFile).problems).toEqual([
      'FERRY_CONSOLE_OIDC_GROUP_ROLES: entry 2: the group is mapped twice',
    ]);
  });

  it('when the whole configuration is loaded, then the OIDC keys are known keys, and their problems are reported', () => {
    expect(() => loadConfig({ ...BASE, FERRY_CONSOLE_OIDC_GROUPS_CLAIM: 'groups' })).not.toThrow();
    expect(() => loadConfig({ FERRY_CONSOLE_OIDC_CLIENT_ID: 'x' })).toThrow(
      /FERRY_CONSOLE_OIDC_ISSUER: required with FERRY_CONSOLE_OIDC_CLIENT_ID/,
    );
  });
});
