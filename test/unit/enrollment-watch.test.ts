import { EnrollmentWatch, WATCH_BATCH } from '../../src/activities/device/enrollment-watch';

const INTERVAL = 60_000;

/** A target whose enrolled devices are `enrolled`; counts the bulk reads and the serials asked. */
function target(enrolled = new Set<string>()) {
  const reads: number[] = [];
  const read = async (serials: string[]) => {
    reads.push(serials.length);
    return new Map(serials.map((s) => [s, enrolled.has(s) ? 'Enrolled' : 'Unenrolled'] as const));
  };
  return { reads, read, enrolled };
}

/**
 * N devices wait; each asks once per interval at its own offset, for `intervals` intervals after the one
 * in which they all started. Returns the reads made after the first interval, per interval.
 */
async function readsPerInterval(waiting: number, intervals: number): Promise<number> {
  const t = target();
  const watch = new EnrollmentWatch(t.read);
  const serials = Array.from({ length: waiting }, (_, i) => `SERIAL${String(i).padStart(6, '0')}`);
  const offset = (i: number) => Math.floor((i * INTERVAL) / waiting);
  await Promise.all(serials.map((s, i) => watch.get(s, INTERVAL, offset(i))));
  const before = t.reads.length;
  for (let k = 1; k <= intervals; k++) {
    for (const [i, s] of serials.entries()) await watch.get(s, INTERVAL, k * INTERVAL + offset(i));
  }
  return (t.reads.length - before) / intervals;
}

describe('enrollment detection shared by the waiting devices of a worker', () => {
  test('when 100 devices wait, then the target is read at most twice per polling interval', async () => {
    expect(await readsPerInterval(100, 4)).toBeLessThanOrEqual(2);
  });

  test('when 10,000 devices wait, then at most twice per interval one bulk read per 500 devices', async () => {
    const perInterval = await readsPerInterval(10_000, 3);
    expect(perInterval).toBeLessThanOrEqual(2 * Math.ceil(10_000 / WATCH_BATCH));
  });

  test('when a device enrolls, then a later check sees it within half an interval of its read', async () => {
    const t = target();
    const watch = new EnrollmentWatch(t.read);
    await Promise.all(['A1', 'B2'].map((s) => watch.get(s, INTERVAL, 0)));
    await watch.get('A1', INTERVAL, INTERVAL); // a full read of both
    t.enrolled.add('B2');
    // B2's own check comes a little later: the read is still young, so it is not read again...
    expect(await watch.get('B2', INTERVAL, INTERVAL + 1_000)).toBe('Unenrolled');
    // ...but its next check, an interval later, is.
    expect(await watch.get('B2', INTERVAL, 2 * INTERVAL + 1_000)).toBe('Enrolled');
  });

  test('when a device stops asking, then it leaves the reads after two of its intervals', async () => {
    const t = target();
    const watch = new EnrollmentWatch(t.read);
    await Promise.all(['A1', 'GONE'].map((s) => watch.get(s, INTERVAL, 0)));
    await watch.get('A1', INTERVAL, INTERVAL);
    expect(t.reads.at(-1)).toBe(2);
    await watch.get('A1', INTERVAL, 3 * INTERVAL);
    expect(t.reads.at(-1)).toBe(1);
    expect(watch.size).toBe(1);
  });
});
