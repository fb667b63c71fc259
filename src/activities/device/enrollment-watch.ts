import { KeyedBatcher, normalizeSerial } from '../../services/shared/keyed-batcher';

/** Devices a bulk read answers at most: WS1's searches cap a page at 500 records (notes B). */
export const WATCH_BATCH = 500;

interface Watched {
  /** When the device last asked (ms), and at what interval it asks. */
  askedAt: number;
  intervalMs: number;
}

interface Snapshot<T> {
  at: number;
  serials: Set<string>;
  devices: Map<string, T>;
}

/**
 * What the target shows of the devices waiting to enroll, shared by all of them in this worker. Each
 * device asks at its own polling interval; a device the last read covered is answered from it while it is
 * younger than half the device's interval and newer than the device's previous check, and the first one
 * to find no such read has every waiting device read again, in one bulk read per 500 devices. So a worker reads the target about twice per polling
 * interval however the devices' checks fall (not once per device, nor once per 200 ms window as before),
 * and a device is seen enrolled at most half an interval later than its own read would have seen it.
 * A device that has just started waiting is read at once, in a small batch with the others that start
 * within 200 ms, and is in every read after that until it stops asking.
 */
export class EnrollmentWatch<T> {
  private readonly watched = new Map<string, Watched>();
  private snapshot: Snapshot<T> | undefined;
  private reading: Promise<Snapshot<T>> | undefined;
  private readonly newcomers: KeyedBatcher<T>;
  /** Devices whose first read is in flight. */
  private readonly arriving = new Set<string>();

  constructor(private readonly read: (serials: string[]) => Promise<Map<string, T>>) {
    this.newcomers = new KeyedBatcher(read, {
      windowMs: 200,
      maxBatch: WATCH_BATCH,
      normalize: normalizeSerial,
    });
  }

  async get(serialNumber: string, intervalMs: number, now = Date.now()): Promise<T | undefined> {
    const key = normalizeSerial(serialNumber);
    const previous = this.watched.get(key);
    this.watched.set(key, { askedAt: now, intervalMs });
    const last = this.snapshot;
    // Only a read made since the device last asked tells it something new.
    const fresh = last !== undefined && previous !== undefined && last.at > previous.askedAt;
    if (fresh && last.serials.has(key) && now - last.at < intervalMs / 2) return last.devices.get(key);
    if (previous === undefined || this.arriving.has(key)) return this.arrive(serialNumber, key);
    return (await this.readAll(now)).devices.get(key);
  }

  /** A device that has just started waiting: read in the next small batch (the same one if it asks twice). */
  private async arrive(serialNumber: string, key: string): Promise<T | undefined> {
    this.arriving.add(key);
    try {
      return await this.newcomers.get(serialNumber);
    } finally {
      this.arriving.delete(key);
    }
  }

  /** The device stopped waiting (it enrolled): it leaves the next reads. */
  forget(serialNumber: string): void {
    this.watched.delete(normalizeSerial(serialNumber));
  }

  /** How many devices the next read covers. */
  get size(): number {
    return this.watched.size;
  }

  private readAll(now: number): Promise<Snapshot<T>> {
    this.reading ??= (async () => {
      try {
        // A device that has not asked for two of its intervals has stopped waiting (closed or cancelled).
        for (const [key, w] of this.watched) if (now - w.askedAt > 2 * w.intervalMs) this.watched.delete(key);
        const serials = [...this.watched.keys()];
        const devices = new Map<string, T>();
        for (let i = 0; i < serials.length; i += WATCH_BATCH) {
          for (const [key, device] of await this.read(serials.slice(i, i + WATCH_BATCH))) {
            devices.set(key, device);
          }
        }
        this.snapshot = { at: now, serials: new Set(serials), devices };
        return this.snapshot;
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }
}
