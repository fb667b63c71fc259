import crypto from 'node:crypto';
import axios from 'axios';
import { createClientAssertion } from '../../src/services/abm';
import { CLIENT_ID, KEY_ID, keyPair, startEnv, type Env } from './fixture';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('ABM simulator token endpoint', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.sim.close();
    env = undefined;
  });

  function assertion(privateKeyPem: string, includeKid = true, nowMs = Date.now()) {
    const privateKey = crypto.createPrivateKey(privateKeyPem);
    return createClientAssertion({ clientId: CLIENT_ID, keyId: KEY_ID, privateKey, includeKid, nowMs });
  }

  function params(clientAssertion: string) {
    return new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: clientAssertion,
      scope: 'business.api',
    });
  }

  const post = (url: string, body?: string) =>
    axios.post(url, body, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      validateStatus: () => true,
    });

  it('when the params come as a form body or a query string, with or without kid, then a token is issued', async () => {
    env = await startEnv();
    const form = await post(env.sim.tokenUrl, params(assertion(env.privateKeyPem)).toString());
    const query = await post(`${env.sim.tokenUrl}?${params(assertion(env.privateKeyPem, false)).toString()}`);
    for (const response of [form, query]) {
      expect(response.status).toBe(200);
      expect(response.data).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'business.api' });
    }
  });

  it('when the assertion is signed by another key, expired, or tampered with, then 401 invalid_client', async () => {
    env = await startEnv();
    const good = assertion(env.privateKeyPem);
    const [h, , s] = good.split('.');
    const tamperedClaims = Buffer.from(JSON.stringify({ sub: CLIENT_ID, iss: CLIENT_ID, aud: 'x' })).toString(
      'base64url',
    );
    const cases = [
      assertion(keyPair().privateKeyPem),
      assertion(env.privateKeyPem, true, Date.now() - 2 * 3600_000),
      `${h}.${tamperedClaims}.${s}`,
    ];
    for (const bad of cases) {
      const response = await post(env.sim.tokenUrl, params(bad).toString());
      expect([response.status, response.data]).toEqual([401, { error: 'invalid_client' }]);
    }
  });

  it('when the grant type or scope is wrong, then 400 invalid_scope', async () => {
    env = await startEnv();
    const body = params(assertion(env.privateKeyPem));
    body.set('scope', 'school.api');
    const response = await post(env.sim.tokenUrl, body.toString());
    expect([response.status, response.data]).toEqual([400, { error: 'invalid_scope' }]);
  });

  it('when the API is called without a bearer token, then 401 with Apple error body', async () => {
    env = await startEnv();
    const response = await axios.get(`${env.sim.url}/v1/orgDevices`, { validateStatus: () => true });
    expect(response.status).toBe(401);
    expect(response.data).toEqual({
      errors: [expect.objectContaining({ status: '401', code: 'UNAUTHORIZED', id: expect.any(String) })],
    });
  });
});
