/**
 * Looks for what must never be written down in clear: the run's secrets (passwords, client secrets,
 * the ABM private key, the payload key, registration token values) and the users' emails.
 */

export interface Needles {
  /** Long, random values, found by substring: credentials, key material. */
  secrets: string[];
  /** Registration token values: short, so only as whole words (not inside a longer run of letters). */
  tokens: string[];
  /** The fleet's user emails, any letter case. */
  emails: string[];
}

export interface Findings {
  secrets: number;
  emails: number;
}

const WORD = /(?<![A-Za-z0-9])[A-Za-z0-9]{6,20}(?![A-Za-z0-9])/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+[A-Za-z0-9]/g;

function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

export class Scanner {
  private readonly tokens: Set<string>;
  private readonly emails: Set<string>;
  private readonly secrets: string[];

  constructor(needles: Needles) {
    this.tokens = new Set(needles.tokens);
    this.emails = new Set(needles.emails.map((e) => e.toLowerCase()));
    // A secret shorter than 12 characters would match by chance; none of the run's is.
    this.secrets = needles.secrets.filter((s) => s.length >= 12);
  }

  scan(text: string): Findings {
    let secrets = this.secrets.reduce((n, s) => n + occurrences(text, s), 0);
    for (const [word] of text.matchAll(WORD)) if (this.tokens.has(word)) secrets++;
    let emails = 0;
    for (const [email] of text.matchAll(EMAIL)) if (this.emails.has(email.toLowerCase())) emails++;
    return { secrets, emails };
  }
}

/** The lines of a PEM's body: each one a secret in itself (a log could hold a part of the key). */
export function pemBodyLines(pem: string): string[] {
  return pem
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('-----'));
}

/**
 * A Temporal history as text to scan: the JSON an export would hold (bytes as base64), then every
 * byte string decoded as UTF-8, which is where a `json/plain` payload (an input, a result, a search
 * attribute, a memo) shows its content. Walked field by field: the SDK's history messages serialise
 * their bytes as base64 on their own (`toJSON`), which would hide them from a replacer.
 */
export function historyTexts(history: unknown): string[] {
  const decoded: string[] = [];
  const plain = (value: unknown): unknown => {
    if (value instanceof Uint8Array) {
      const bytes = Buffer.from(value);
      decoded.push(bytes.toString('utf8'));
      return bytes.toString('base64');
    }
    if (Array.isArray(value)) return value.map(plain);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    }
    return value;
  };
  const json = JSON.stringify(plain(history));
  return [json, ...decoded];
}
