/**
 * A payment's `id` is its idempotency key: a client that retries (after a timeout, a 503 that says
 * the payment may be written, a dropped connection) gets the first request's outcome instead of a
 * second record. Remembered in memory, per process, for `ttlMs` after the outcome is known and for
 * the newest `maxIds` ids: a window, not a guarantee forever (a restart forgets).
 */
/** What the first request answered (or would have, had it not timed out). */
export interface StoredAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

export type Remembered =
  | { readonly state: 'pending'; readonly fingerprint: string; readonly outcome: Promise<StoredAnswer> }
  | { readonly state: 'done'; readonly fingerprint: string; readonly answer: StoredAnswer };

/**
 * One object per id from begin to eviction, changed in place when the outcome is known (a second
 * object and Map write per request otherwise). A settled entry drops its promise: a settled
 * promise and its reactions would cost memory per id.
 */
interface Entry {
  state: 'pending' | 'done';
  readonly id: string;
  readonly fingerprint: string;
  outcome: Promise<StoredAnswer> | undefined;
  answer: StoredAnswer | undefined;
  expiresAt: number;
}

/** What lookup() shows of an entry, in the shape of its state. */
function remembered(entry: Entry): Remembered | undefined {
  if (entry.state === 'done' && entry.answer !== undefined) return { state: 'done', fingerprint: entry.fingerprint, answer: entry.answer };
  if (entry.state === 'pending' && entry.outcome !== undefined) return { state: 'pending', fingerprint: entry.fingerprint, outcome: entry.outcome };
  return undefined;
}

export interface IdempotencyOptions {
  readonly ttlMs: number;
  readonly maxIds: number;
  readonly now?: () => number;
}

/** A part of what identifies a payment: the endpoint's path and the values of its fields. */
export type FingerprintPart = string | number | boolean | null;

const numberBits = new Float64Array(1);
const numberWords = new Uint32Array(numberBits.buffer);
let lane1 = 0;
let lane2 = 0;

/** Mixes a 32-bit word into both lanes (multiply and rotate, each lane with its own constants). */
function take(word: number): void {
  lane1 = Math.imul(lane1 ^ word, 0x9e3779b1);
  lane1 = (lane1 << 13) | (lane1 >>> 19);
  lane2 = Math.imul(lane2 ^ word, 0x85ebca77);
  lane2 = (lane2 << 17) | (lane2 >>> 15);
}

/**
 * A short digest of what identifies a request's payment: a retry must send the same one. 64 bits
 * of a hash computed here, not a cryptographic one (which costs a native hash object per
 * request): fingerprints are only compared between requests that carry the same id, and a
 * client that crafted a collision would only get the earlier answer for the same id back instead
 * of 409, with its own payment not written. Each part is written with its type and, for text, its
 * length first, so no two lists of parts read alike ('1' and 1, null and 'null', ['ab'] and ['a', 'b']).
 */
export function fingerprintOf(parts: readonly FingerprintPart[]): string {
  lane1 = 0x6a09e667;
  lane2 = 0xbb67ae85;
  take(parts.length);
  for (const part of parts) {
    if (typeof part === 'string') {
      take(1);
      take(part.length);
      // Two UTF-16 units per word; the length taken first tells where the text ends.
      let i = 0;
      for (; i + 1 < part.length; i += 2) take((part.charCodeAt(i) << 16) | part.charCodeAt(i + 1));
      if (i < part.length) take(part.charCodeAt(i));
    } else if (typeof part === 'number') {
      take(2);
      // The same number has the same bits; + 0 makes -0 the 0 that JSON.stringify would have written.
      numberBits[0] = part + 0;
      take(numberWords[0]);
      take(numberWords[1]);
    } else if (typeof part === 'boolean') take(part ? 3 : 4);
    else take(5);
  }
  // Final avalanche: every input bit reaches every output bit of both lanes.
  lane1 ^= lane2 >>> 16;
  lane1 = Math.imul(lane1, 0x7feb352d);
  lane2 ^= lane1 >>> 15;
  lane2 = Math.imul(lane2, 0x846ca68b);
  lane1 ^= lane2 >>> 16;
  return `${(lane1 >>> 0).toString(36)}.${(lane2 >>> 0).toString(36)}`;
}

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  /**
   * Settled entries in settle order, so the oldest (the first to expire) are at the head: a queue
   * with a moving head, because dropping the front of a Map leaves holes that every later walk
   * from the front would step over again (an eviction cost that grew with the evictions).
   */
  private settled: Entry[] = [];
  private head = 0;
  private readonly now: () => number;

  constructor(private readonly options: IdempotencyOptions) {
    if (!(options.ttlMs >= 0)) throw new Error(`idempotency ttlMs must be at least 0, got ${options.ttlMs}`);
    if (!(options.maxIds >= 0)) throw new Error(`idempotency maxIds must be at least 0, got ${options.maxIds}`);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The id's entry unless it expired (begin and settling evict; a lookup only looks). */
  lookup(id: string): Remembered | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.state === 'done' && entry.expiresAt <= this.now()) {
      this.evict();
      return undefined;
    }
    return remembered(entry);
  }

  /**
   * Remembers `id` while `outcome` is pending. Resolved: remembered as done for `ttlMs`. Rejected
   * (the payment is not written, or its fate is unknown and a retry must try again): forgotten.
   */
  begin(id: string, fingerprint: string, outcome: Promise<StoredAnswer>): void {
    const entry: Entry = { state: 'pending', id, fingerprint, outcome, answer: undefined, expiresAt: Infinity };
    this.entries.set(id, entry);
    outcome.then(
      (answer) => {
        if (this.entries.get(id) !== entry) return;
        entry.state = 'done';
        entry.answer = answer;
        entry.outcome = undefined;
        entry.expiresAt = this.now() + this.options.ttlMs;
        this.settled.push(entry);
        this.evict();
      },
      () => {
        if (this.entries.get(id) === entry) this.entries.delete(id);
      },
    );
    // No eviction here: only settled entries are evicted, and each settling evicts (one pass and
    // one clock read per request instead of two). Between settlings the map holds at most the
    // pending entries more than maxIds.
  }

  /** Drops expired settled entries, then the oldest settled ones beyond `maxIds`. Pending ones stay. */
  private evict(): void {
    const now = this.now();
    while (this.head < this.settled.length) {
      const oldest = this.settled[this.head];
      if (oldest.expiresAt > now && this.entries.size <= this.options.maxIds) break;
      this.head++;
      if (this.entries.get(oldest.id) === oldest) this.entries.delete(oldest.id);
    }
    // Drop the passed head once it is half the queue: amortized constant time per entry.
    if (this.head > 1024 && this.head * 2 > this.settled.length) {
      this.settled = this.settled.slice(this.head);
      this.head = 0;
    }
  }
}
