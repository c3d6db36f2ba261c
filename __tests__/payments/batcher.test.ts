import { AckTimeoutError, ProduceBatcher, type BatchSender, type OutgoingRecord } from '../../payments/batcher';

/** A sender whose sends complete only when the test says so: Kafka cannot run in `npm test`. */
class ControlledSender implements BatchSender {
  readonly batches: Map<string, readonly OutgoingRecord[]>[] = [];
  private readonly settlers: { resolve: () => void; reject: (e: Error) => void }[] = [];

  sendBatch(batch: ReadonlyMap<string, readonly OutgoingRecord[]>): Promise<void> {
    this.batches.push(new Map(batch));
    return new Promise((resolve, reject) => this.settlers.push({ resolve, reject }));
  }

  ack(index: number): void {
    this.settlers[index].resolve();
  }

  fail(index: number, error: Error): void {
    this.settlers[index].reject(error);
  }
}

const record = (key: string): OutgoingRecord => ({ key, value: Buffer.from(key), timestamp: 1 });
const tick = () => new Promise((resolve) => setTimeout(resolve, 15));

function track(promise: Promise<void>): { state: () => string } {
  let state = 'pending';
  promise.then(
    () => (state = 'acked'),
    (error: Error) => (state = `failed: ${error.message}`),
  );
  return { state: () => state };
}

describe('ProduceBatcher', () => {
  it('sends the records of concurrent requests as one batch, grouped by topic, and acks each only when the batch is acked', async () => {
    const sender = new ControlledSender();
    const batcher = new ProduceBatcher(sender, { lingerMs: 5, maxBatchRecords: 100 });
    const a = track(batcher.produce('payment_json', record('a')));
    const b = track(batcher.produce('payment_avro', record('b')));
    const c = track(batcher.produce('payment_json', record('c')));
    await tick();
    expect(sender.batches).toHaveLength(1);
    expect([...sender.batches[0].keys()]).toEqual(['payment_json', 'payment_avro']);
    expect(sender.batches[0].get('payment_json')!.map((r) => r.key)).toEqual(['a', 'c']);
    expect([a.state(), b.state(), c.state()]).toEqual(['pending', 'pending', 'pending']);
    sender.ack(0);
    await tick();
    expect([a.state(), b.state(), c.state()]).toEqual(['acked', 'acked', 'acked']);
  });

  it('fills the next batch while one is in flight and sends it as soon as the first is acked', async () => {
    const sender = new ControlledSender();
    const batcher = new ProduceBatcher(sender, { lingerMs: 1, maxBatchRecords: 100 });
    void batcher.produce('t', record('first'));
    await tick();
    const later = ['x', 'y', 'z'].map((k) => track(batcher.produce('t', record(k))));
    await tick();
    expect(sender.batches).toHaveLength(1);
    expect(batcher.pendingCount).toBe(4);
    sender.ack(0);
    await tick();
    expect(sender.batches).toHaveLength(2);
    expect(sender.batches[1].get('t')!.map((r) => r.key)).toEqual(['x', 'y', 'z']);
    expect(later.map((p) => p.state())).toEqual(['pending', 'pending', 'pending']);
    sender.ack(1);
    await tick();
    expect(later.map((p) => p.state())).toEqual(['acked', 'acked', 'acked']);
    expect(batcher.pendingCount).toBe(0);
  });

  it('caps a batch at maxBatchRecords and sends at once when the cap is reached', async () => {
    const sender = new ControlledSender();
    const batcher = new ProduceBatcher(sender, { lingerMs: 10_000, maxBatchRecords: 2 });
    for (const key of ['1', '2', '3', '4', '5']) void batcher.produce('t', record(key));
    await tick();
    expect(sender.batches).toHaveLength(1);
    expect(sender.batches[0].get('t')!.map((r) => r.key)).toEqual(['1', '2']);
    sender.ack(0);
    await tick();
    expect(sender.batches[1].get('t')!.map((r) => r.key)).toEqual(['3', '4']);
    sender.ack(1);
    await tick();
    expect(sender.batches[2].get('t')!.map((r) => r.key)).toEqual(['5']);
  });

  it('a failed send fails the records of that batch only', async () => {
    const sender = new ControlledSender();
    const batcher = new ProduceBatcher(sender, { lingerMs: 1, maxBatchRecords: 100 });
    const first = track(batcher.produce('t', record('a')));
    await tick();
    const second = track(batcher.produce('t', record('b')));
    sender.fail(0, new Error('broker down'));
    await tick();
    expect(first.state()).toBe('failed: broker down');
    expect(second.state()).toBe('pending');
    sender.ack(1);
    await tick();
    expect(second.state()).toBe('acked');
  });

  it('flush() sends what is queued at once and resolves when everything is acked', async () => {
    const sender = new ControlledSender();
    const batcher = new ProduceBatcher(sender, { lingerMs: 60_000, maxBatchRecords: 100 });
    void batcher.produce('t', record('a'));
    const flushed = track(batcher.flush());
    await tick();
    expect(sender.batches).toHaveLength(1);
    expect(flushed.state()).toBe('pending');
    sender.ack(0);
    await tick();
    expect(flushed.state()).toBe('acked');
    await expect(batcher.flush()).resolves.toBeUndefined();
  });

  it('refuses settings that could never send', () => {
    expect(() => new ProduceBatcher(new ControlledSender(), { lingerMs: 1, maxBatchRecords: 0 })).toThrow(/maxBatchRecords/);
    expect(() => new ProduceBatcher(new ControlledSender(), { lingerMs: -1, maxBatchRecords: 1 })).toThrow(/lingerMs/);
  });
});

describe('ProduceBatcher: bounded waits and shutdown', () => {
  it('a record still queued when its timeout passes is withdrawn (never sent, written: false); one sent gets written: unknown and its outcome', async () => {
    const sender = new ControlledSender();
    const batcher = new ProduceBatcher(sender, { lingerMs: 1, maxBatchRecords: 100 });
    const sent = batcher.produce('t', record('sent'), 50).then(
      () => undefined,
      (e: unknown) => e as AckTimeoutError,
    );
    await tick();
    expect(sender.batches).toHaveLength(1);
    const queued = batcher.produce('t', record('queued'), 30);
    await expect(queued).rejects.toMatchObject({ name: 'AckTimeoutError', written: false });
    const error = await sent;
    expect(error).toBeInstanceOf(AckTimeoutError);
    expect(error).toMatchObject({ written: 'unknown', message: expect.stringContaining('may still be written') });
    expect(batcher.inFlightAgeMs()).toBeGreaterThan(0);
    const outcome = track(error!.outcome!);
    sender.ack(0);
    await tick();
    expect(outcome.state()).toBe('acked');
    // The withdrawn record was never sent.
    expect(sender.batches).toHaveLength(1);
    expect(sender.batches[0].get('t')!.map((r) => r.key)).toEqual(['sent']);
    expect(batcher.pendingCount).toBe(0);
  });

  it('records with different timeouts each get their answer at their own deadline, and an idle batcher keeps no timer', async () => {
    jest.useFakeTimers();
    try {
      const sender = new ControlledSender();
      const batcher = new ProduceBatcher(sender, { lingerMs: 1, maxBatchRecords: 100 });
      const sent = track(batcher.produce('t', record('sent'), 100));
      await jest.advanceTimersByTimeAsync(1);
      expect(sender.batches).toHaveLength(1);
      const late = track(batcher.produce('t', record('late'), 300));
      const early = track(batcher.produce('t', record('early'), 200));
      const unlimited = track(batcher.produce('t', record('unlimited')));
      await jest.advanceTimersByTimeAsync(98);
      expect([sent.state(), early.state(), late.state()]).toEqual(['pending', 'pending', 'pending']);
      await jest.advanceTimersByTimeAsync(2);
      expect(sent.state()).toMatch(/failed: .*within 100 ms; it was sent and may still be written/);
      expect(early.state()).toBe('pending');
      await jest.advanceTimersByTimeAsync(100);
      expect(early.state()).toMatch(/failed: .*within 200 ms .*withdrawn before it was sent/);
      expect(late.state()).toBe('pending');
      await jest.advanceTimersByTimeAsync(100);
      expect(late.state()).toMatch(/failed: .*within 300 ms .*withdrawn/);
      expect(unlimited.state()).toBe('pending');
      sender.ack(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(sender.batches[1].get('t')!.map((r) => r.key)).toEqual(['unlimited']);
      sender.ack(1);
      await jest.advanceTimersByTimeAsync(0);
      expect(unlimited.state()).toBe('acked');
      expect(batcher.pendingCount).toBe(0);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a thousand records with the same timeout, all sent and unanswered, all get written: unknown at the deadline', async () => {
    jest.useFakeTimers();
    try {
      const sender = new ControlledSender();
      const batcher = new ProduceBatcher(sender, { lingerMs: 1, maxBatchRecords: 10_000 });
      const answers = Array.from({ length: 1_000 }, (_, n) => batcher.produce('t', record(String(n)), 500).catch((e: unknown) => e as AckTimeoutError));
      await jest.advanceTimersByTimeAsync(1);
      expect(sender.batches).toHaveLength(1);
      // One timer watches every deadline, beside none for the linger (already sent).
      expect(jest.getTimerCount()).toBe(1);
      await jest.advanceTimersByTimeAsync(500);
      const errors = await Promise.all(answers);
      expect(errors.every((e) => e instanceof AckTimeoutError && e.written === 'unknown')).toBe(true);
      sender.ack(0);
      await jest.advanceTimersByTimeAsync(0);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('close() withdraws what is queued, reports what is in flight, and refuses new records', async () => {
    const sender = new ControlledSender();
    const batcher = new ProduceBatcher(sender, { lingerMs: 1, maxBatchRecords: 100 });
    void batcher.produce('t', record('a')).catch(() => undefined);
    await tick();
    const queued = batcher.produce('t', record('b'));
    expect(batcher.close()).toEqual({ withdrawn: 1, inFlight: 1 });
    await expect(queued).rejects.toMatchObject({ name: 'BatcherClosedError', written: false });
    await expect(batcher.produce('t', record('c'))).rejects.toThrow(/shutting down/);
    sender.ack(0);
    await tick();
    expect(sender.batches).toHaveLength(1);
  });
});
