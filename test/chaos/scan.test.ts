import { temporal } from '@temporalio/proto';
import { Scanner, historyTexts, pemBodyLines } from '../../chaos/scan';
import { planKills, progressOf } from '../../chaos/kill-plan';

const EMAIL = 'ada.ng1@corp.example';
const TOKEN = 'K7QX2M9P';
const SECRET = 'B8n5lq2X7zLcZ1r6rIx16MJjuRxonS0g';

const scanner = () => new Scanner({ secrets: [SECRET], tokens: [TOKEN], emails: [EMAIL] });

/**
 * A history as the client's fetchHistory returns it: SDK messages, whose own toJSON turns payload bytes
 * into base64 (a scan of JSON.stringify alone would never see a payload's content).
 */
function historyWith(data: Buffer) {
  return temporal.api.history.v1.History.create({
    events: [
      {
        workflowExecutionStartedEventAttributes: {
          input: { payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data }] },
        },
      },
    ],
  });
}

describe('the chaos run scan', () => {
  test('when a json/plain payload holds an email, a token or a secret, then the decoded history shows each', () => {
    const data = Buffer.from(
      JSON.stringify({ userEmail: EMAIL.toUpperCase(), token: TOKEN, secret: SECRET }),
    );
    const texts = historyTexts(historyWith(data));
    // The JSON itself holds the payload only as base64: the decoded text is what finds it.
    expect(scanner().scan(texts[0]!)).toEqual({ emails: 0, secrets: 0 });
    const found = texts.map((t) => scanner().scan(t));
    expect(found.reduce((n, f) => n + f.emails, 0)).toBe(1);
    expect(found.reduce((n, f) => n + f.secrets, 0)).toBe(2);
  });

  test('when a payload is encrypted, then nothing is found', () => {
    const texts = historyTexts(historyWith(Buffer.from('d3b07384d113edec49eaa6238ad5ff00', 'hex')));
    expect(texts.map((t) => scanner().scan(t))).toEqual(texts.map(() => ({ emails: 0, secrets: 0 })));
  });

  test('when a token value is part of a longer word, then it is not counted; alone, it is', () => {
    expect(scanner().scan(`x${TOKEN}y ${TOKEN}1 token=${TOKEN}.`)).toEqual({ emails: 0, secrets: 1 });
    // A longer address that ends like a user's is another address.
    expect(scanner().scan(`ada.ng12@corp.example, <${EMAIL}>`)).toEqual({ emails: 1, secrets: 0 });
  });

  test('when a PEM is a secret, then each line of its body is one', () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\nAwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';
    expect(pemBodyLines(pem)).toEqual(['MIGHAgEAMBMGByqGSM49AgEGCCqGSM49', 'AwEHBG0wawIBAQQg']);
  });
});

describe('the kill plan', () => {
  test('when kills are planned, then every point is one the run lets the migration reach, in order', () => {
    const kills = planKills({
      seed: 7,
      devices: 10,
      workerKills: 3,
      serverKills: 1,
      together: false,
      at: 'random',
    });
    const reachable = progressOf(10, 10, 9);
    expect(kills.map((k) => k.target).sort()).toEqual(['server', 'worker', 'worker', 'worker']);
    for (const k of kills) expect(k.atProgress).toBeLessThan(reachable);
    expect(kills.map((k) => k.atProgress)).toEqual([...kills.map((k) => k.atProgress)].sort((a, b) => a - b));
    // The same seed, the same moments.
    expect(
      planKills({ seed: 7, devices: 10, workerKills: 3, serverKills: 1, together: false, at: 'random' }),
    ).toEqual(kills);
  });

  test('when kills go together at the last device, then one outage takes both at that point', () => {
    const kills = planKills({
      seed: 1,
      devices: 6,
      workerKills: 1,
      serverKills: 1,
      together: true,
      at: 'last-device',
    });
    expect(kills).toEqual([{ target: 'both', atProgress: progressOf(6, 6, 5) }]);
  });
});
