interface Waiter<T> {
  resolve: (value: T | undefined) => void;
  reject: (err: unknown) => void;
}

interface Pending<T> {
  key: string;
  waiters: Waiter<T>[];
}

export interface KeyedBatcherOptions {
  windowMs: number;
  maxBatch: number;
  /** Keys that name the same thing (serials in any case, with spaces) share one entry; default as is. */
  normalize?: (key: string) => string;
}

/**
 * Collects the keys that device workflows ask about within a short window and answers them with one
 * call: a thousand devices waiting to enroll cost one request per window, not one each. `run` gets the
 * keys as first asked and answers by normalized key; a key it leaves out resolves undefined.
 */
export class KeyedBatcher<T> {
  private pending = new Map<string, Pending<T>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly normalize: (key: string) => string;

  constructor(
    private readonly run: (keys: string[]) => Promise<Map<string, T>>,
    private readonly options: KeyedBatcherOptions,
  ) {
    this.normalize = options.normalize ?? ((key) => key);
  }

  get(key: string): Promise<T | undefined> {
    const normalized = this.normalize(key);
    return new Promise((resolve, reject) => {
      const entry = this.pending.get(normalized) ?? { key, waiters: [] };
      entry.waiters.push({ resolve, reject });
      this.pending.set(normalized, entry);
      if (this.pending.size >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    this.run([...batch.values()].map((p) => p.key)).then(
      (answers) => {
        for (const [key, p] of batch) p.waiters.forEach((w) => w.resolve(answers.get(key)));
      },
      (err) => {
        for (const p of batch.values()) p.waiters.forEach((w) => w.reject(err));
      },
    );
  }
}

/** Serial numbers as Workspace ONE and Apple compare them. */
export const normalizeSerial = (serial: string): string => serial.trim().toUpperCase();
