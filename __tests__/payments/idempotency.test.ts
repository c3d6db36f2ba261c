import { fingerprintOf, IdempotencyStore, type FingerprintPart } from '../../payments/idempotency';

/** The store keeps answers as given: the app's are shared receipts. */
interface StoredAnswer {
  readonly status: number;
}
const ANSWER: StoredAnswer = { status: 201 };
const F = 7;
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('IdempotencyStore', () => {
  let clock = 0;
  const store = (maxIds = 100, ttlMs = 1_000) => new IdempotencyStore<StoredAnswer>({ ttlMs, maxIds, now: () => clock });
  beforeEach(() => {
    clock = 0;
  });

  it('remembers a written payment for the TTL after its outcome, then forgets it', async () => {
    const s = store();
    s.begin('a', F, Promise.resolve(ANSWER));
    await flush();
    expect(s.lookup('a')).toMatchObject({ state: 'done', fingerprint: F, answer: ANSWER });
    clock = 999;
    expect(s.lookup('a')?.state).toBe('done');
    clock = 1_000;
    expect(s.lookup('a')).toBeUndefined();
  });

  it('a pending id is shared while pending and never expires; one that was not written is forgotten', async () => {
    const s = store(100, 10);
    let fail: (error: Error) => void = () => undefined;
    const outcome = new Promise<StoredAnswer>((_, reject) => (fail = reject));
    s.begin('a', F, outcome);
    clock = 1_000_000;
    expect(s.lookup('a')).toMatchObject({ state: 'pending', outcome });
    fail(new Error('not written'));
    await flush();
    expect(s.lookup('a')).toBeUndefined();
  });

  it('keeps at most maxIds settled ids, forgetting the oldest first, but never a pending one', async () => {
    const s = store(3);
    s.begin('pending', F, new Promise<StoredAnswer>(() => undefined));
    for (const id of ['1', '2', '3', '4']) {
      s.begin(id, F, Promise.resolve(ANSWER));
      await flush();
    }
    expect(s.size).toBe(3);
    expect(['pending', '1', '2', '3', '4'].map((id) => s.lookup(id)?.state)).toEqual(['pending', undefined, undefined, 'done', 'done']);
  });

  it('keeps every id, its fingerprint and its answer (the same object) while its slots grow many times', async () => {
    const s = store(1_000, 1_000_000);
    const answers = [{ status: 201 }, { status: 200 }];
    for (let n = 0; n < 700; n++) {
      clock = n;
      s.begin(`id${n}`, n * 3, Promise.resolve(answers[n % 2]));
      // Some settle together, some alone, so the ring grows both mid-burst and between requests.
      if (n % 3 === 0) await flush();
    }
    await flush();
    expect(s.size).toBe(700);
    for (let n = 0; n < 700; n++) {
      const known = s.lookup(`id${n}`);
      expect(known).toEqual({ state: 'done', fingerprint: n * 3, answer: answers[n % 2] });
      if (known?.state === 'done') expect(known.answer).toBe(answers[n % 2]);
    }
  });

  it('an id used again after its outcome expired is remembered anew, and the old outcome\'s eviction leaves it alone', async () => {
    const s = store(100, 10);
    s.begin('a', 1, Promise.resolve(ANSWER));
    s.begin('b', 2, Promise.resolve(ANSWER));
    await flush();
    clock = 10;
    // 'a' expired; the app sees nothing and begins it again with another payment.
    s.begin('a', 3, Promise.resolve({ status: 299 }));
    await flush();
    expect(s.lookup('a')).toEqual({ state: 'done', fingerprint: 3, answer: { status: 299 } });
    expect(s.lookup('b')).toBeUndefined();
    expect(s.size).toBe(1);
    clock = 19;
    expect(s.lookup('a')?.state).toBe('done');
    clock = 20;
    expect(s.lookup('a')).toBeUndefined();
    expect(s.size).toBe(0);
  });

  it('fingerprints are integers a double holds exactly', () => {
    for (const parts of [[], ['/payment_json'], [1.5, null, true], ['x'.repeat(1_000)]] as FingerprintPart[][]) {
      expect(Number.isSafeInteger(fingerprintOf(parts))).toBe(true);
    }
  });

  it('fingerprints differ when any part differs', () => {
    expect(fingerprintOf(['/payment_json', 1, 'x'])).toBe(fingerprintOf(['/payment_json', 1, 'x']));
    expect(fingerprintOf(['/payment_json', 1, 'x'])).not.toBe(fingerprintOf(['/payment_avro', 1, 'x']));
    expect(fingerprintOf(['/payment_json', 1, null])).not.toBe(fingerprintOf(['/payment_json', 1, 2]));
  });

  it('fingerprints tell apart parts that read alike as text: types, boundaries, order, one character or one bit of a number', () => {
    const lists: FingerprintPart[][] = [
      ['1'], [1], [true], [null], ['null'], ['true'], [''], [],
      ['ab'], ['a', 'b'], ['b', 'a'], ['ab', ''], ['', 'ab'],
      [0.1 + 0.2], [0.3], [2 ** 53 - 2], [2 ** 53 - 3], [1_700_000_000_000], [1_700_000_000_001],
      ['Bank of A'], ['Bank of B'], ['bank of A'], ['\ud83d\ude00'], ['\ude00\ud83d'],
    ];
    const prints = lists.map((parts) => fingerprintOf(parts));
    expect(new Set(prints).size).toBe(lists.length);
    // -0 and 0 are the same number as JSON writes it.
    expect(fingerprintOf([-0])).toBe(fingerprintOf([0]));
  });

  it('20,000 payment-like part lists, each with another id, give 20,000 fingerprints', () => {
    const seen = new Set<number>();
    for (let n = 0; n < 20_000; n++) seen.add(fingerprintOf(['/payment_json', `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`, 'Bank', 10.5, n % 7, 1_700_000_000_000]));
    expect(seen.size).toBe(20_000);
  });

  it('forgets expired and surplus ids in settle order over many evictions, keeping the newest', async () => {
    const expiring = store(1_000, 50);
    const bounded = store(100, 1_000_000);
    for (let n = 0; n < 5_000; n++) {
      clock = n;
      expiring.begin(String(n), F, Promise.resolve(ANSWER));
      bounded.begin(String(n), F, Promise.resolve(ANSWER));
      await flush();
    }
    // Id n settled at n and expires at n + 50; the clock is at 4,999.
    expect(expiring.lookup('4949')).toBeUndefined();
    expect(expiring.lookup('4950')?.state).toBe('done');
    expect(expiring.size).toBe(50);
    expect(bounded.lookup('4899')).toBeUndefined();
    expect(bounded.lookup('4900')?.state).toBe('done');
    expect(bounded.size).toBe(100);
  });
});
