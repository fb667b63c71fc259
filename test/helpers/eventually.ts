/**
 * Reads until `ok` holds: visibility, queries and simulators trail the actions that change them. A read
 * that throws (a workflow not started yet) counts as not yet; the timeout names what was awaited.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  { timeoutMs = 30_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch((err: unknown) => err as Error);
    if (!(value instanceof Error) && ok(value)) return value;
    if (Date.now() > deadline) {
      const last = value instanceof Error ? value.message : JSON.stringify(value);
      throw new Error(`timed out waiting for ${what}: ${last}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until `check` answers true. */
export async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  await eventually(check, (yes) => yes, 'the condition', { timeoutMs, intervalMs: 250 });
}
