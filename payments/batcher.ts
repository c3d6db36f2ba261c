/**
 * Collects the records of concurrent HTTP requests into batches: one produce request carries many
 * payments, and each HTTP request is answered when the broker has acknowledged its batch. While a
 * batch is in flight the next one fills, so batches grow with the load instead of the latency.
 */

export interface OutgoingRecord {
  readonly key: string;
  readonly value: Buffer;
  /** Kafka record timestamp, epoch ms. */
  readonly timestamp: number;
}

/** Sends one batch (records per topic) and resolves when every record is acknowledged. */
export interface BatchSender {
  sendBatch(batch: ReadonlyMap<string, readonly OutgoingRecord[]>): Promise<void>;
}

export interface BatcherOptions {
  /** How long the first record of a batch waits for company when no batch is in flight. */
  readonly lingerMs: number;
  /** Most records per produce request. */
  readonly maxBatchRecords: number;
}

interface Pending {
  readonly topic: string;
  readonly record: OutgoingRecord;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class ProduceBatcher {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly sender: BatchSender,
    private readonly options: BatcherOptions,
  ) {
    if (!(options.maxBatchRecords >= 1)) throw new Error(`maxBatchRecords must be at least 1, got ${options.maxBatchRecords}`);
    if (!(options.lingerMs >= 0)) throw new Error(`lingerMs must be at least 0, got ${options.lingerMs}`);
  }

  /** Records queued or in flight, not yet acknowledged or failed. */
  get pendingCount(): number {
    return this.queue.length + this.inFlightCount;
  }

  private inFlightCount = 0;

  /** Resolves when the broker acknowledged the record; rejects with the send's error. */
  produce(topic: string, record: OutgoingRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, record, resolve, reject });
      if (this.inFlight !== undefined) return; // sent when the batch in flight completes
      if (this.queue.length >= this.options.maxBatchRecords) this.sendNow();
      else if (this.timer === undefined) this.timer = setTimeout(() => this.sendNow(), this.options.lingerMs);
    });
  }

  /** Resolves once everything queued so far has been acknowledged or has failed. */
  async flush(): Promise<void> {
    if (this.queue.length > 0 && this.inFlight === undefined) this.sendNow();
    if (this.pendingCount === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private sendNow(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.inFlight !== undefined || this.queue.length === 0) return;
    const taken = this.queue.splice(0, this.options.maxBatchRecords);
    const batch = new Map<string, OutgoingRecord[]>();
    for (const pending of taken) {
      const records = batch.get(pending.topic);
      if (records === undefined) batch.set(pending.topic, [pending.record]);
      else records.push(pending.record);
    }
    this.inFlightCount = taken.length;
    this.inFlight = this.sender.sendBatch(batch).then(
      () => {
        for (const pending of taken) pending.resolve();
      },
      (error: unknown) => {
        for (const pending of taken) pending.reject(error);
      },
    );
    void this.inFlight.then(() => {
      this.inFlight = undefined;
      this.inFlightCount = 0;
      if (this.queue.length > 0) this.sendNow();
      else this.notifyIdle();
    });
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
