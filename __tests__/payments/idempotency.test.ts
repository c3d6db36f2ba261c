import { fingerprintOf, IdempotencyStore, type StoredAnswer } from '../../payments/idempotency';

const ANSWER: StoredAnswer = { status: 201, body: { id: 'a' } };
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('IdempotencyStore', () => {
  let clock = 0;
  const store = (maxIds = 100, ttlMs = 1_000) => new IdempotencyStore({ ttlMs, maxIds, now: () => clock });
  beforeEach(() => {
    clock = 0;
  });

  it('remembers a written payment for the TTL after its outcome, then forgets it', async () => {
    const s = store();
    s.begin('a', 'f', Promise.resolve(ANSWER));
    await flush();
    expect(s.lookup('a')).toMatchObject({ state: 'done', fingerprint: 'f', answer: ANSWER });
    clock = 999;
    expect(s.lookup('a')?.state).toBe('done');
    clock = 1_000;
    expect(s.lookup('a')).toBeUndefined();
  });

  it('a pending id is shared while pending and never expires; one that was not written is forgotten', async () => {
    const s = store(100, 10);
    let fail: (error: Error) => void = () => undefined;
    const outcome = new Promise<StoredAnswer>((_, reject) => (fail = reject));
    s.begin('a', 'f', outcome);
    clock = 1_000_000;
    expect(s.lookup('a')).toMatchObject({ state: 'pending', outcome });
    fail(new Error('not written'));
    await flush();
    expect(s.lookup('a')).toBeUndefined();
  });

  it('keeps at most maxIds settled ids, forgetting the oldest first, but never a pending one', async () => {
    const s = store(3);
    s.begin('pending', 'f', new Promise<StoredAnswer>(() => undefined));
    for (const id of ['1', '2', '3', '4']) {
      s.begin(id, 'f', Promise.resolve(ANSWER));
      await flush();
    }
    expect(s.size).toBe(3);
    expect(['pending', '1', '2', '3', '4'].map((id) => s.lookup(id)?.state)).toEqual(['pending', undefined, undefined, 'done', 'done']);
  });

  it('fingerprints differ when any part differs', () => {
    expect(fingerprintOf(['/payment_json', 1, 'x'])).toBe(fingerprintOf(['/payment_json', 1, 'x']));
    expect(fingerprintOf(['/payment_json', 1, 'x'])).not.toBe(fingerprintOf(['/payment_avro', 1, 'x']));
    expect(fingerprintOf(['/payment_json', 1, null])).not.toBe(fingerprintOf(['/payment_json', 1, 2]));
  });
});
