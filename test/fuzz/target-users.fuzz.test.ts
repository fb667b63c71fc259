/**
 * The target users parser (the demo's and a rehearsal's simulated target tenant) against any input:
 * users and issues (each naming its line and field), never a crash or a hang; and a file written with
 * Ferry's own CSV writer reads back unchanged.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { emailProblem, NOT_UTF8 } from '../../src/client/list-file';
import {
  parseTargetUsers,
  readTargetUsers,
  type TargetUserSeed,
  type TargetUsersResult,
} from '../../src/client/target-users';
import { csvText } from '../../src/services/shared/csv';
import { anyText, csvFile, expectWellFormedIssues, jsonFile } from './list-files';

const COLUMNS = ['email', 'username', 'display_name'] as const;

const email = fc.stringMatching(
  /^['+-]?[a-z0-9]{1,12}([._+-][a-z0-9]{1,6})?@[a-z0-9]{1,12}\.(example|test|corp)$/,
);
const username = fc.stringMatching(/^[=+@-]?[A-Za-z0-9._\\-]{1,16}$/);
/** A display name: any printable text, commas, quotes, a leading formula character. */
const displayName = fc
  .string({
    unit: fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      fc.constantFrom(',', '"', "'", '=', '+', '-', '@', ' '),
    ),
    minLength: 1,
    maxLength: 40,
  })
  .filter((v) => v.trim() === v && v !== '');

const plausible = fc.oneof(email, username, displayName);

function expectSound(result: TargetUsersResult, text: string): void {
  expect(Array.isArray(result.users)).toBe(true);
  expectWellFormedIssues(result.errors, text);
  expectWellFormedIssues(result.warnings, text);
  const emails = new Set<string>();
  const usernames = new Set<string>();
  for (const user of result.users) {
    expect(emailProblem(user.email)).toBeUndefined();
    expect(emails.has(user.email.toLowerCase())).toBe(false);
    emails.add(user.email.toLowerCase());
    if (user.username !== undefined) {
      expect(user.username).toMatch(/^\S+$/);
      expect(usernames.has(user.username.toLowerCase())).toBe(false);
      usernames.add(user.username.toLowerCase());
    }
  }
}

describe('target users parser, fuzzed', () => {
  it('when the file is CSV-shaped in any way, then users and well-formed issues come back', () => {
    fc.assert(
      fc.property(csvFile({ columns: COLUMNS, values: plausible }), (text) => {
        expectSound(parseTargetUsers(text), text);
      }),
      { numRuns: 200 },
    );
  });

  it('when the file is JSON of any shape, or cut short, then users and well-formed issues come back', () => {
    fc.assert(
      fc.property(jsonFile(COLUMNS), fc.option(fc.constant('users.json')), (text, name) => {
        expectSound(parseTargetUsers(text, name ?? undefined), text);
      }),
      // Once quoted raw and whole in its message: a username holding a line break.
      { numRuns: 150, examples: [['[{"username":"!\\n!"}]', null]] },
    );
  });

  it('when the file is any text at all, then users and well-formed issues come back', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expectSound(parseTargetUsers(text), text);
      }),
      { numRuns: 150 },
    );
  });

  describe('read from a file', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-fuzz-users-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('when the file holds any bytes, then it reads as users or as "not UTF-8", never a crash', async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 2_000 }), async (bytes) => {
          const file = path.join(dir, `users-${n++}.csv`);
          writeFileSync(file, bytes);
          const result = await readTargetUsers(file);
          if (result.errors.includes(NOT_UTF8)) {
            expect(result).toEqual({ users: [], errors: [NOT_UTF8], warnings: [] });
          } else {
            expectSound(result, Buffer.from(bytes).toString('utf8'));
          }
        }),
        { numRuns: 100 },
      );
    });
  });

  it('when Ferry writes valid users as CSV, then they read back unchanged without errors', () => {
    const user = fc.record({ email, username, displayName }, { requiredKeys: ['email'] });
    const users = fc
      .uniqueArray(user, { minLength: 1, maxLength: 30, selector: (u) => u.email.toLowerCase() })
      .filter((list) => {
        const names = list.flatMap((u) => (u.username === undefined ? [] : [u.username.toLowerCase()]));
        return new Set(names).size === names.length;
      });
    fc.assert(
      fc.property(users, (seeds: TargetUserSeed[]) => {
        const text = csvText(
          COLUMNS,
          seeds.map((u) => [u.email, u.username, u.displayName]),
        );
        const result = parseTargetUsers(text, 'users.csv');
        expect(result.errors).toEqual([]);
        expect(result.users).toEqual(seeds);
      }),
      { numRuns: 150 },
    );
  });
});
