/**
 * A payment's `id` is its idempotency key: a client that retries (after a timeout, a 503 that says
 * the payment may be written, a dropped connection) gets the first request's outcome instead of a
 * second record. Remembered in memory, per process, for `ttlMs` after the outcome is known and for
 * the newest `maxIds` ids: a window, not a guarantee forever (a restart forgets).
 */
export type Remembered<A> =
  | { readonly state: 'pending'; readonly fingerprint: number; readonly outcome: Promise<A> }
  | { readonly state: 'done'; readonly fingerprint: number; readonly answer: A };

/** An id whose outcome is not known yet: short-lived, so it may cost an object. */
interface Pending<A> {
  readonly fingerprint: number;
  readonly outcome: Promise<A>;
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
 * A short digest of what identifies a request's payment: a retry must send the same one. 53 bits
 * of a hash computed here, as one number (a string would be three objects kept per remembered id),
 * not a cryptographic one (which costs a native hash object per request): fingerprints are only
 * compared between requests that carry the same id, and a client that crafted a collision would
 * only get the earlier answer for the same id back instead of 409, with its own payment not
 * written. Each part is written with its type and, for text, its length first, so no two lists of
 * parts read alike ('1' and 1, null and 'null', ['ab'] and ['a', 'b']).
 */
export function fingerprintOf(parts: readonly FingerprintPart[]): number {
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
  // 32 bits of one lane and 21 of the other: an integer a double holds exactly.
  return (lane1 >>> 0) * 2 ** 21 + (lane2 >>> 11);
}

/**
 * Settled ids are kept in a ring of parallel arrays (fingerprint, expiry, answer), in settle order
 * so that the oldest, the first to expire, are at the head. A remembered id then costs the collector
 * its id string and nothing else: answers are meant to be shared objects (the app's receipts are one
 * per endpoint and schema id). An object per id, kept for minutes, was copied by every
 * young-generation collection until promoted, and made the API's collections a third longer
 * (bench:payments with BENCH_GC=1). One Map holds every id, to its ring slot once settled or to its
 * pending entry before: a request then costs one lookup of its id, not one per state (a miss in two
 * Maps of 50,000 ids was a third of the store's time per request, BENCHMARKS.md).
 */
export class IdempotencyStore<A> {
  /** Id -> its slot in the ring when settled, its pending entry before. */
  private readonly entries = new Map<string, number | Pending<A>>();
  private ids: Array<string | undefined> = [];
  private answers: Array<A | undefined> = [];
  private fingerprints = new Float64Array(0);
  private expiries = new Float64Array(0);
  /** Slot of the oldest settled id, and how many slots from there are in use. */
  private head = 0;
  private count = 0;
  private readonly now: () => number;

  constructor(private readonly options: IdempotencyOptions) {
    if (!(options.ttlMs >= 0)) throw new Error(`idempotency ttlMs must be at least 0, got ${options.ttlMs}`);
    if (!(options.maxIds >= 0)) throw new Error(`idempotency maxIds must be at least 0, got ${options.maxIds}`);
    this.now = options.now ?? Date.now;
  }

  /** Ids remembered: pending and settled. */
  get size(): number {
    return this.entries.size;
  }

  /** The id's outcome unless it expired (settling evicts; a lookup of an expired id does too). */
  lookup(id: string): Remembered<A> | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (typeof entry !== 'number') return { state: 'pending', fingerprint: entry.fingerprint, outcome: entry.outcome };
    if (this.expiries[entry] <= this.now()) {
      this.evict();
      return undefined;
    }
    return { state: 'done', fingerprint: this.fingerprints[entry], answer: this.answers[entry] as A };
  }

  /**
   * Remembers `id` while `outcome` is pending. Resolved: remembered as done for `ttlMs`. Rejected
   * (the payment is not written, or its fate is unknown and a retry must try again): forgotten.
   */
  begin(id: string, fingerprint: number, outcome: Promise<A>): void {
    const entry: Pending<A> = { fingerprint, outcome };
    // An expired outcome not evicted yet is forgotten now (its slot no longer is the id's, so the
    // next eviction frees it without touching this entry).
    this.entries.set(id, entry);
    outcome.then(
      (answer) => {
        if (this.entries.get(id) !== entry) return;
        this.settle(id, fingerprint, answer);
        this.evict();
      },
      () => {
        if (this.entries.get(id) === entry) this.entries.delete(id);
      },
    );
    // No eviction here: only settled ids are evicted, and each settling evicts (one pass and
    // one clock read per request instead of two). Between settlings the store holds at most the
    // pending ids more than maxIds.
  }

  private settle(id: string, fingerprint: number, answer: A): void {
    if (this.count === this.ids.length) this.grow();
    let slot = this.head + this.count;
    if (slot >= this.ids.length) slot -= this.ids.length;
    this.ids[slot] = id;
    this.answers[slot] = answer;
    this.fingerprints[slot] = fingerprint;
    this.expiries[slot] = this.now() + this.options.ttlMs;
    this.entries.set(id, slot);
    this.count++;
  }

  /** Twice the slots, the settled ids moved to the front in order. */
  private grow(): void {
    const capacity = Math.max(64, this.ids.length * 2);
    const order = Array.from({ length: this.count }, (_, i) => (this.head + i) % this.ids.length);
    const ids = order.map((slot) => this.ids[slot]);
    const answers = order.map((slot) => this.answers[slot]);
    const fingerprints = new Float64Array(capacity);
    const expiries = new Float64Array(capacity);
    order.forEach((slot, i) => {
      fingerprints[i] = this.fingerprints[slot];
      expiries[i] = this.expiries[slot];
      const id = ids[i];
      if (id !== undefined && this.entries.get(id) === slot) this.entries.set(id, i);
    });
    ids.length = capacity;
    answers.length = capacity;
    this.ids = ids;
    this.answers = answers;
    this.fingerprints = fingerprints;
    this.expiries = expiries;
    this.head = 0;
  }

  /** Drops expired settled ids, then the oldest settled ones beyond `maxIds`. Pending ones stay. */
  private evict(): void {
    const now = this.now();
    while (this.count > 0) {
      const slot = this.head;
      if (this.expiries[slot] > now && this.size <= this.options.maxIds) break;
      const id = this.ids[slot];
      if (id !== undefined && this.entries.get(id) === slot) this.entries.delete(id);
      this.ids[slot] = undefined;
      this.answers[slot] = undefined;
      this.head = slot + 1 === this.ids.length ? 0 : slot + 1;
      this.count--;
    }
  }
}
