// A real OpenID provider for the console's tests: oidc-provider (ES modules only, so run by plain node in
// a child process, never inside jest) on a free loopback port, with the test's users, a `groups` scope
// and claim, and a login page of its own. Usage: node test-idp-server.mjs '<json>' where json is
// {clients:[{clientId, clientSecret, redirectUris}], users:[{login, password, name, email, groups,
// groupsOverage?}]}.
// It prints one line, {"issuer": "http://127.0.0.1:PORT"}, once it answers; it stops on SIGTERM.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { URL, URLSearchParams } from 'node:url';
import Provider from 'oidc-provider';

const { clients, users } = JSON.parse(process.argv[2] ?? '{}');
const byLogin = new Map(users.map((user) => [user.login, user]));

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  // "native" (RFC 8252): a loopback redirect URI matches on any port, and the console under test
  // listens on a free port that is known only after this provider has started.
  clients: clients.map((c) => ({
    client_id: c.clientId,
    client_secret: c.clientSecret,
    redirect_uris: c.redirectUris,
    application_type: 'native',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // `groups` as Okta's: a scope that brings a claim of the same name.
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  // The claims of the granted scopes in the ID token itself, as Entra ID and Okta put groups there.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, id) {
    const user = byLogin.get(id);
    if (!user) return undefined;
    return {
      accountId: id,
      claims: () => ({
        sub: id,
        name: user.name,
        preferred_username: user.login,
        email: user.email,
        email_verified: true,
        // Past 200 groups Entra ID sends none, only where to fetch them (distributed claims).
        ...(user.groupsOverage
          ? {
              _claim_names: { groups: 'src1' },
              _claim_sources: { src1: { endpoint: 'https://graph.microsoft.com/v1.0/me/getMemberObjects' } },
            }
          : { groups: user.groups }),
      }),
    };
  },
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, problem) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Test IdP sign-in</title></head>
<body><h1>Test IdP sign-in</h1>${problem ? `<p role="alert">${escape(problem)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Username <input name="login" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">Cancel</button></form>
</body></html>`;
}

async function formOf(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res) {
  const [, , uid, action] = new URL(req.url, issuer).pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  // A first-party client: what it asks for is granted without a page (a native client is always asked).
  if (details.prompt.name === 'consent') {
    const grant = new provider.Grant({
      accountId: details.session.accountId,
      clientId: details.params.client_id,
    });
    grant.addOIDCScope(details.params.scope);
    const consent = { grantId: await grant.save() };
    await provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
    return;
  }
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(uid));
    return;
  }
  if (action === 'abort') {
    const result = { error: 'access_denied', error_description: 'the person cancelled the sign-in' };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    return;
  }
  const form = await formOf(req);
  const user = byLogin.get(form.get('login') ?? '');
  if (!user || user.password !== form.get('password')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(uid, 'wrong username or password'));
    return;
  }
  const result = { login: { accountId: user.login } };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
server.on('request', (req, res) => {
  if (!req.url.startsWith('/interaction/')) return callback(req, res);
  interaction(req, res).catch((err) => {
    console.error(err);
    if (!res.headersSent) res.writeHead(500).end('interaction failed');
  });
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
