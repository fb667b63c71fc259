/**
 * Set-up that hooks do for a test file: `perTest` starts a value before each test and stops it after,
 * `perFile` once around the file's tests. Both return a reader of the value of the moment, and `standIn`
 * turns a reader into an object the tests use like the value itself (`world.sim`, `env.client`).
 */

type Reader<T> = () => T;

function reader<T>(read: () => T | undefined, what: string): Reader<T> {
  return () => {
    const value = read();
    if (value === undefined) throw new Error(`${what} is not set up (use it inside a test)`);
    return value;
  };
}

/** Runs `start` in the `setUp` hook and `stop` on what it made in the `tearDown` hook. */
function around<T>(
  setUp: jest.Lifecycle,
  tearDown: jest.Lifecycle,
  what: string,
  start: () => Promise<T>,
  stop: (value: T) => unknown,
): Reader<T> {
  let current: T | undefined;
  setUp(async () => {
    current = await start();
  });
  tearDown(async () => {
    const value = current;
    current = undefined;
    if (value !== undefined) await stop(value);
  });
  return reader(() => current, what);
}

export function perTest<T>(what: string, start: () => Promise<T>, stop: (value: T) => unknown): Reader<T> {
  return around(beforeEach, afterEach, what, start, stop);
}

export function perFile<T>(what: string, start: () => Promise<T>, stop: (value: T) => unknown): Reader<T> {
  return around(beforeAll, afterAll, what, start, stop);
}

/** An object whose every property read (and write) goes to the value `read` returns at that moment. */
export function standIn<T extends object>(read: Reader<T>): T {
  return new Proxy({} as T, {
    get(_, key) {
      const value = read();
      const property: unknown = Reflect.get(value, key, value);
      return typeof property === 'function' ? property.bind(value) : property;
    },
    set(_, key, property) {
      return Reflect.set(read(), key, property);
    },
  });
}
