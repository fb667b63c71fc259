import type { Ws1Device } from '../clients/workspace-one';

interface Waiter {
  resolve: (device: Ws1Device | undefined) => void;
  reject: (err: unknown) => void;
}

interface Pending {
  serialNumber: string;
  waiters: Waiter[];
}

/**
 * Collects the serials that device workflows ask about within a short window and looks them up in one
 * bulk call: a thousand devices waiting to enroll cost one request per window, not one each.
 */
export class DeviceLookupBatcher {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fetch: (serials: string[]) => Promise<Ws1Device[]>,
    private readonly options: { windowMs: number; maxBatch: number } = { windowMs: 200, maxBatch: 500 },
  ) {}

  lookup(serialNumber: string): Promise<Ws1Device | undefined> {
    const key = serialNumber.trim().toUpperCase();
    return new Promise((resolve, reject) => {
      const entry = this.pending.get(key) ?? { serialNumber, waiters: [] };
      entry.waiters.push({ resolve, reject });
      this.pending.set(key, entry);
      if (this.pending.size >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    this.fetch([...batch.values()].map((p) => p.serialNumber)).then(
      (devices) => {
        const bySerial = new Map(devices.map((d) => [d.serialNumber.trim().toUpperCase(), d]));
        for (const [key, p] of batch) p.waiters.forEach((w) => w.resolve(bySerial.get(key)));
      },
      (err) => {
        for (const p of batch.values()) p.waiters.forEach((w) => w.reject(err));
      },
    );
  }
}
