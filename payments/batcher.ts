/**
 * Collects the records of concurrent HTTP requests into batches: one produce request carries many
 * payments, and each HTTP request is answered when the broker has acknowledged its batch. While a
 * batch is in flight the next one fills, so batches grow with the load instead of the latency.
 *
 * A record waits for its acknowledgement at most `timeoutMs`: a broker that stops answering (a GC
 * pause, a partition, SIGSTOP) must not hold every request open for as long as it is frozen. A
 * record still queued when its time is up is taken out (it is certainly not written); one already
 * sent may still be written when the broker wakes, and its error says so.
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
  readonly now?: () => number;
}

/**
 * A record not acknowledged in time. `written` false: it never left this process and never will.
 * `written` 'unknown': it was sent; `outcome` settles when the broker finally answers (or the
 * producer gives up), which is how a later request with the same id learns the truth.
 */
export class AckTimeoutError extends Error {
  constructor(
    message: string,
    readonly written: false | 'unknown',
    /** Set when `written` is 'unknown'. */
    readonly outcome?: Promise<void>,
  ) {
    super(message);
    this.name = 'AckTimeoutError';
  }
}

/** The batcher is closed (shutdown): the record was not sent and will not be. */
export class BatcherClosedError extends Error {
  readonly written = false;
  constructor(message: string) {
    super(message);
    this.name = 'BatcherClosedError';
  }
}

interface Pending {
  readonly topic: string;
  readonly record: OutgoingRecord;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly timeoutMs: number | undefined;
  /** performance.now() when the wait is over; Infinity without a limit. */
  readonly deadline: number;
  /** Answered already (its time was up while the batch was in flight). */
  expired: boolean;
}

interface InFlight {
  readonly done: Promise<void>;
  readonly records: readonly Pending[];
  readonly sentAt: number;
}

export class ProduceBatcher {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: InFlight | undefined;
  /**
   * One timer for every record's deadline, set for the earliest: a timer per record cost a
   * Timeout, a clearTimeout and a promise per request. Records mostly come with the same timeout,
   * so a new one rarely moves the timer; it fires about once per timeout and looks at what waits.
   */
  private deadlineTimer: NodeJS.Timeout | undefined;
  private deadlineAt = Infinity;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private readonly now: () => number;

  constructor(
    private readonly sender: BatchSender,
    private readonly options: BatcherOptions,
  ) {
    if (!(options.maxBatchRecords >= 1)) throw new Error(`maxBatchRecords must be at least 1, got ${options.maxBatchRecords}`);
    if (!(options.lingerMs >= 0)) throw new Error(`lingerMs must be at least 0, got ${options.lingerMs}`);
    this.now = options.now ?? Date.now;
  }

  /** Records queued or in flight, not yet acknowledged or failed. */
  get pendingCount(): number {
    return this.queue.length + (this.inFlight?.records.length ?? 0);
  }

  /** Records sent and not answered yet. */
  get inFlightCount(): number {
    return this.inFlight?.records.length ?? 0;
  }

  /** How long the batch in flight has waited for the broker, or undefined when none is. */
  inFlightAgeMs(): number | undefined {
    return this.inFlight === undefined ? undefined : this.now() - this.inFlight.sentAt;
  }

  /**
   * Resolves when the broker acknowledged the record; rejects with the send's error, or with an
   * AckTimeoutError once `timeoutMs` has passed (no limit when undefined).
   */
  produce(topic: string, record: OutgoingRecord, timeoutMs?: number): Promise<void> {
    if (this.closed) return Promise.reject(new BatcherClosedError('the payments API is shutting down; the payment was not written'));
    return new Promise<void>((resolve, reject) => {
      const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs;
      this.queue.push({ topic, record, resolve, reject, timeoutMs, deadline, expired: false });
      if (deadline < this.deadlineAt) this.armDeadline(deadline);
      if (this.inFlight !== undefined) return; // sent when the batch in flight completes
      if (this.queue.length >= this.options.maxBatchRecords) this.sendNow();
      else if (this.timer === undefined) this.timer = setTimeout(() => this.sendNow(), this.options.lingerMs);
    });
  }

  private armDeadline(at: number): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineAt = at;
    this.deadlineTimer = at === Infinity ? undefined : setTimeout(() => this.expireDue(), Math.max(0, Math.ceil(at - performance.now())));
  }

  /** Answers every record whose time is up, then sets the timer for the next deadline. */
  private expireDue(): void {
    this.deadlineTimer = undefined;
    this.deadlineAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    if (this.queue.some((pending) => pending.deadline <= now)) {
      const due = this.queue.filter((pending) => pending.deadline <= now);
      this.queue = this.queue.filter((pending) => pending.deadline > now);
      const waiting = this.inFlightAgeMs();
      const cause = waiting === undefined ? 'it was still queued' : `the batch before it, sent ${waiting} ms ago, is still unanswered`;
      for (const pending of due) {
        pending.reject(
          new AckTimeoutError(`Kafka acknowledged nothing within ${pending.timeoutMs} ms (${cause}); the payment was withdrawn before it was sent, so it is not written`, false),
        );
      }
    }
    for (const pending of this.queue) next = Math.min(next, pending.deadline);
    const inFlight = this.inFlight;
    for (const pending of inFlight?.records ?? []) {
      if (pending.expired) continue;
      if (pending.deadline > now) {
        next = Math.min(next, pending.deadline);
        continue;
      }
      // Already sent: the send resolves or rejects `pending` later, which then is a no-op.
      pending.expired = true;
      pending.reject(
        new AckTimeoutError(
          `Kafka did not acknowledge the payment within ${pending.timeoutMs} ms; it was sent and may still be written when the broker answers`,
          'unknown',
          inFlight?.done,
        ),
      );
    }
    if (next !== Infinity) this.armDeadline(next);
    if (this.pendingCount === 0) this.notifyIdle();
  }

  /** Resolves once everything queued so far has been acknowledged or has failed. */
  async flush(): Promise<void> {
    if (this.queue.length > 0 && this.inFlight === undefined) this.sendNow();
    if (this.pendingCount === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Shutdown: nothing more is sent. Queued records fail as not written; returns how many that
   * were and how many were in flight (their fate is the broker's).
   */
  close(): { readonly withdrawn: number; readonly inFlight: number } {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const withdrawn = this.queue;
    this.queue = [];
    for (const pending of withdrawn) pending.reject(new BatcherClosedError('the payments API shut down before the payment was sent; it was not written'));
    if (this.pendingCount === 0) this.notifyIdle();
    return { withdrawn: withdrawn.length, inFlight: this.inFlightCount };
  }

  private sendNow(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.closed || this.inFlight !== undefined || this.queue.length === 0) return;
    const taken = this.queue.splice(0, this.options.maxBatchRecords);
    const batch = new Map<string, OutgoingRecord[]>();
    for (const pending of taken) {
      const records = batch.get(pending.topic);
      if (records === undefined) batch.set(pending.topic, [pending.record]);
      else records.push(pending.record);
    }
    const done = this.sender.sendBatch(batch);
    // Requests that timed out still look at `done`; it must never count as unhandled.
    done.catch(() => undefined);
    this.inFlight = { done, records: taken, sentAt: this.now() };
    void done
      .then(
        () => {
          for (const pending of taken) pending.resolve();
        },
        (error: unknown) => {
          for (const pending of taken) pending.reject(error);
        },
      )
      .then(() => {
        this.inFlight = undefined;
        if (this.queue.length > 0) this.sendNow();
        if (this.pendingCount === 0) this.notifyIdle();
      });
  }

  private notifyIdle(): void {
    // Nothing waits: no deadline left to watch (the timer would only keep the process awake).
    this.armDeadline(Infinity);
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
