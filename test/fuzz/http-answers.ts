/**
 * Random answers of an HTTP API for the client fuzz tests, as steps of the scripted server
 * (test/clients/scripted-server.ts): a valid body and the same body with fields of the wrong type,
 * missing or hostile, any JSON, truncated JSON, empty and binary bodies, under any status and content
 * type, or a reset connection; and a body of a few MB (`inflated`), sent once per call as it costs more.
 */
import fc from 'fast-check';
import type { Step } from '../clients/scripted-server';

type Path = (string | number)[];

/** Every path in a JSON value, the root ([]) included. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const children = Array.isArray(value)
    ? value.flatMap((v, i) => pathsOf(v, [...prefix, i]))
    : value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))
      : [];
  return [prefix, ...children];
}

const DELETE = Symbol('delete');

/** A copy of `root` with the value at `path` replaced, or removed. */
function replaced(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value === DELETE ? undefined : value;
  const copy: unknown = structuredClone(root);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value !== DELETE) parent[last] = value;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return copy;
}

/** Strings an API would not send where Ferry reads an id, a name or a date. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  'javascript:alert(1)',
  '0000-00-00T25:61:00',
  '\u0000',
  '\uD800',
  'x'.repeat(10_000),
  'http://[',
];

/** Links no URL parser reads, and links to another host or without a cursor. */
const BROKEN_LINKS = [
  'http://[',
  '//[::1',
  'http://a b/',
  'https://:0',
  'https://elsewhere.example/next?cursor=c2',
  '?cursor=',
];
const LINK = /^(https?:\/\/|\/|\?)/;

const valueAt = (root: unknown, path: Path): unknown =>
  path.reduce<unknown>((v, key) => (v as Record<string | number, unknown>)[key], root);

/** A value of another type, or an odd one of the same. */
const wrongValue = fc.oneof(
  fc.constant(DELETE),
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    1.5,
    Number.MAX_SAFE_INTEGER + 2,
    [],
    {},
    ...HOSTILE_STRINGS,
    ...BROKEN_LINKS,
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

/** `valid` with one to three of its values (at any depth) replaced by a wrong one, or removed. */
export function mutated(valid: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(valid);
  const change = fc.tuple(fc.constantFrom(...paths), wrongValue);
  return fc.array(change, { minLength: 1, maxLength: 3 }).map((changes) =>
    changes.reduce<unknown>((body, [path, value]) => {
      // A later change may name a path an earlier one removed: it then replaces the nearest one left.
      try {
        return replaced(body, path, value);
      } catch {
        return body;
      }
    }, valid),
  );
}

/**
 * `valid` with most of its strings replaced by hostile ones: a link by one that is not a URL or leads
 * elsewhere, any other text by an empty, blank, huge, NUL or lone-surrogate one.
 */
function withHostileStrings(valid: unknown): fc.Arbitrary<unknown> {
  const leaves = pathsOf(valid).filter((path) => typeof valueAt(valid, path) === 'string');
  if (leaves.length === 0) return fc.constant(valid);
  const choices = leaves.map((path) => {
    const hostile = LINK.test(valueAt(valid, path) as string) ? BROKEN_LINKS : HOSTILE_STRINGS;
    return fc.oneof(
      { arbitrary: fc.constant(null), weight: 1 },
      { arbitrary: fc.constantFrom(...hostile), weight: 2 },
    );
  });
  return fc
    .tuple(...choices)
    .map((picked) =>
      picked.reduce<unknown>(
        (body, text, i) => (text === null ? body : replaced(body, leaves[i]!, text)),
        valid,
      ),
    );
}

const HUGE_BYTES = 3 * 1024 * 1024;

/** `valid` grown to a few MB: each array repeats its first item, or a long field is added. */
export function inflated(valid: unknown): string {
  const grow = (value: unknown, copies: number): unknown =>
    Array.isArray(value)
      ? value.length === 0
        ? value
        : Array.from({ length: copies }, () => grow(value[0], 1))
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, grow(v, copies)]))
        : value;
  const itemBytes = Math.max(1, JSON.stringify(valid).length);
  const grown = grow(valid, Math.ceil(HUGE_BYTES / itemBytes));
  const text = JSON.stringify(grown);
  if (text.length >= HUGE_BYTES / 2 || grown === null || typeof grown !== 'object' || Array.isArray(grown)) {
    return text;
  }
  return JSON.stringify({ ...grown, padding: 'x'.repeat(HUGE_BYTES) });
}

/** A body for an endpoint whose valid answer is `valid`. */
export function bodyFor(valid: unknown): fc.Arbitrary<string> {
  const json = JSON.stringify(valid);
  return fc.oneof(
    { arbitrary: fc.constant(json), weight: 2 },
    { arbitrary: mutated(valid).map((body) => JSON.stringify(body) ?? ''), weight: 4 },
    { arbitrary: withHostileStrings(valid).map((body) => JSON.stringify(body)), weight: 3 },
    { arbitrary: fc.json({ maxDepth: 3 }), weight: 1 },
    { arbitrary: fc.nat(json.length - 1).map((at) => json.slice(0, at)), weight: 2 },
    { arbitrary: fc.constantFrom('', ' ', 'null', '<html><body>Bad Gateway</body></html>'), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 64 }), weight: 1 },
  );
}

const status = fc.oneof(
  { arbitrary: fc.constantFrom(200, 200, 201, 202, 204), weight: 6 },
  { arbitrary: fc.constantFrom(400, 401, 403, 404, 409, 429, 500, 502, 503), weight: 3 },
  { arbitrary: fc.integer({ min: 200, max: 599 }), weight: 2 },
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/problem+json',
  'text/html',
  'text/plain',
  'application/octet-stream',
);

/**
 * A Retry-After the tests can afford: a 429 always says 0 (a client may wait as long as it is told,
 * and the Workspace ONE inventory pull does, up to a minute), other answers at times carry one.
 */
const retryAfter = fc.option(fc.constantFrom('0', 'soon', '-5', 'Wed, 21 Oct 2015 07:28:00 GMT'));

/** A success (2xx, JSON) whose body is any of bodyFor's: what parsing must survive. */
export function successFor(valid: unknown): fc.Arbitrary<Step> {
  return fc
    .record({
      status: fc.constantFrom(200, 200, 200, 201, 203),
      raw: bodyFor(valid),
      type: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
    })
    .map(({ status: code, raw, type }): Step => ({ status: code, raw, headers: { 'Content-Type': type } }));
}

/** Any answer: any status, content type and body, or a reset connection. */
export function answerFor(valid: unknown): fc.Arbitrary<Step> {
  return fc.oneof(
    {
      arbitrary: fc
        .record({ status, raw: bodyFor(valid), type: contentType, retryAfter })
        .map(({ status: code, raw, type, retryAfter: after }): Step => {
          const headers: Record<string, string> = { 'Content-Type': type };
          const wait = code === 429 ? '0' : after;
          if (wait !== null) headers['Retry-After'] = wait;
          return { status: code, raw, headers };
        }),
      weight: 30,
    },
    { arbitrary: fc.constant<Step>('reset'), weight: 1 },
  );
}
