import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { PinoTemporalLogger } from '../../src/temporal/runtime';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug' }, stream) };
}

test('when secrets, tokens and emails are logged at any depth, then pino writes them redacted', () => {
  const { lines, logger } = capture();
  logger.info(
    {
      email: 'jane.doe@corp.example',
      registrationToken: 'K7Q2M9XT',
      auth: { password: 'hunter2', clientSecret: 'shh' },
      request: { headers: { 'aw-tenant-code': 'TENANTKEY', authorization: 'Basic abc' } },
      serialNumber: 'F2LXK0ABCD12',
    },
    'device step',
  );
  const out = lines.join('');
  for (const secret of ['jane.doe@corp.example', 'K7Q2M9XT', 'hunter2', 'shh', 'TENANTKEY', 'Basic abc']) {
    expect(out).not.toContain(secret);
  }
  expect(out).toContain('F2LXK0ABCD12');
  expect(out).toContain('[redacted]');
});

/**
 * Every key the logger must blank, written out here rather than read from REDACTED_KEYS: dropping one
 * from the logger's list must fail this test.
 */
const MUST_REDACT = [
  'password',
  'clientSecret',
  'client_secret',
  'apiKey',
  'authorization',
  'Authorization',
  'aw-tenant-code',
  'tenantCode',
  'accessToken',
  'access_token',
  'token',
  'registrationToken',
  'email',
  'userEmail',
  'user_email',
  'targetEmail',
];

test.each([0, 1, 2])(
  'when every secret key is logged at depth %i, then none of their values is written',
  (depth) => {
    const { lines, logger } = capture();
    const values = MUST_REDACT.map((key) => `value-of-${key}-at-${depth}`);
    let entry: Record<string, unknown> = Object.fromEntries(MUST_REDACT.map((key, i) => [key, values[i]]));
    for (let d = 0; d < depth; d++) entry = { [`level${depth - d}`]: entry };
    logger.info({ ...entry, serialNumber: 'F2LXK0ABCD12' }, 'device step');
    const out = lines.join('');
    expect(values.filter((v) => out.includes(v))).toEqual([]);
    expect(out).toContain('F2LXK0ABCD12');
  },
);

test('when a polling activity answers "not yet", then the SDK warning is logged at debug, other failures stay warnings', () => {
  const { lines, logger } = capture();
  const temporal = new PinoTemporalLogger(logger);
  temporal.warn('Activity failed', { error: { type: 'NotYetEnrolled' } as never });
  temporal.warn('Activity failed', { error: { type: 'Unauthorized' } as never });
  const levels = lines.map((l) => (JSON.parse(l) as { level: number }).level);
  expect(levels).toEqual([20, 40]);
});
