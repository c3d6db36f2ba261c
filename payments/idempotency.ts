/**
 * A payment's `id` is its idempotency key: a client that retries (after a timeout, a 503 that says
 * the payment may be written, a dropped connection) gets the first request's outcome instead of a
 * second record. Remembered in memory, per process, for `ttlMs` after the outcome is known and for
 * the newest `maxIds` ids: a window, not a guarantee forever (a restart forgets).
 */
import { createHash } from 'node:crypto';

/** What the first request answered (or would have, had it not timed out). */
export interface StoredAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

export type Remembered =
  | { readonly state: 'pending'; readonly fingerprint: string; readonly outcome: Promise<StoredAnswer> }
  | { readonly state: 'done'; readonly fingerprint: string; readonly answer: StoredAnswer };

/** A settled entry keeps no promise: a settled promise and its reactions would cost memory per id. */
type Entry = Remembered & { readonly expiresAt?: number };

export interface IdempotencyOptions {
  readonly ttlMs: number;
  readonly maxIds: number;
  readonly now?: () => number;
}

/** A short digest of what identifies a request's payment: a retry must send the same one. */
export function fingerprintOf(parts: readonly unknown[]): string {
  return createHash('sha1').update(JSON.stringify(parts)).digest('base64');
}

export class IdempotencyStore {
  /** Insertion order is settle order for done entries, so the oldest are at the front. */
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: IdempotencyOptions) {
    if (!(options.ttlMs >= 0)) throw new Error(`idempotency ttlMs must be at least 0, got ${options.ttlMs}`);
    if (!(options.maxIds >= 0)) throw new Error(`idempotency maxIds must be at least 0, got ${options.maxIds}`);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  lookup(id: string): Remembered | undefined {
    this.evict();
    return this.entries.get(id);
  }

  /**
   * Remembers `id` while `outcome` is pending. Resolved: remembered as done for `ttlMs`. Rejected
   * (the payment is not written, or its fate is unknown and a retry must try again): forgotten.
   */
  begin(id: string, fingerprint: string, outcome: Promise<StoredAnswer>): void {
    const pending: Entry = { state: 'pending', fingerprint, outcome };
    this.entries.set(id, pending);
    outcome.then(
      (answer) => {
        if (this.entries.get(id) !== pending) return;
        // Deleted and set again: the front of the map holds the entries that expire first.
        this.entries.delete(id);
        this.entries.set(id, { state: 'done', fingerprint, answer, expiresAt: this.now() + this.options.ttlMs });
        this.evict();
      },
      () => {
        if (this.entries.get(id) === pending) this.entries.delete(id);
      },
    );
    this.evict();
  }

  /** Drops expired done entries, then the oldest done ones beyond `maxIds`. Pending ones stay. */
  private evict(): void {
    const now = this.now();
    let over = this.entries.size - this.options.maxIds;
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt === undefined) continue;
      if (entry.expiresAt > now && over <= 0) break;
      this.entries.delete(id);
      over--;
    }
  }
}
