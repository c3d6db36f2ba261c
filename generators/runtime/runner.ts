/**
 * Runs a generator into sinks: `workers` parallel loops share one pacer (the total rate) and one
 * record source (the total count); each worker owns its sink (its own producer or connection).
 * On stop it takes no new records and waits for every send in flight; the first undeliverable
 * send stops the run, and the result says how many messages were not delivered.
 */
import type { DatasetSchema } from '../schema';
import type { Sink } from '../sinks/sink';
import { DeliveryError, describeError } from '../sinks/sink';
import type { EventClock } from './clock';
import { toMessage } from './message';
import { Pacer } from './pacer';
import type { RecordSource } from './source';

export interface RunnerOptions {
  readonly schema: DatasetSchema;
  readonly source: RecordSource;
  readonly clock: EventClock;
  readonly sinks: readonly Sink[];
  /** Messages per second for all workers together; Infinity = as fast as the sinks accept. */
  readonly rate: number;
  /** Most messages per send. */
  readonly batchSize: number;
}

export interface RunStats {
  readonly sent: number;
  /** Messages the destination refused: not written. */
  readonly failed: number;
  /** Messages sent without an answer (a timeout, or abandoned at shutdown): they may still be written. */
  readonly unconfirmed: number;
  readonly inFlight: number;
  /** Age of the oldest send still in flight, 0 when none. */
  readonly oldestInFlightMs: number;
  /** Why messages were not delivered (refused). */
  readonly errors: readonly string[];
  /** Why messages are unconfirmed (sent, no answer). */
  readonly unconfirmedErrors: readonly string[];
}

export class Runner {
  private readonly controller = new AbortController();
  private readonly pacer: Pacer;
  private sent = 0;
  private failed = 0;
  private unconfirmed = 0;
  private abandon: (() => void) | undefined;
  private readonly abandoned = new Promise<void>((resolve) => (this.abandon = resolve));
  private readonly inFlight = new Map<number, { count: number; since: number }>();
  private readonly errors: string[] = [];
  private readonly unconfirmedErrors: string[] = [];
  private sendIds = 0;

  constructor(private readonly options: RunnerOptions) {
    this.pacer = new Pacer(options.rate);
  }

  /** Take no new records; sends in flight still complete. */
  stop(): void {
    this.controller.abort();
  }

  get stopping(): boolean {
    return this.controller.signal.aborted;
  }

  stats(): RunStats {
    const now = Date.now();
    let count = 0;
    let oldest = 0;
    for (const send of this.inFlight.values()) {
      count += send.count;
      oldest = Math.max(oldest, now - send.since);
    }
    return { sent: this.sent, failed: this.failed, unconfirmed: this.unconfirmed, inFlight: count, oldestInFlightMs: oldest, errors: [...this.errors], unconfirmedErrors: [...this.unconfirmedErrors] };
  }

  /**
   * Ends the run now, without waiting for the sends in flight: they count as unconfirmed (sent,
   * no answer yet, so they may still be written), and whatever they do later changes nothing.
   */
  giveUp(): void {
    this.stop();
    this.abandon?.();
  }

  async run(): Promise<RunStats> {
    const finished = Promise.all(this.options.sinks.map((sink) => this.work(sink))).then(() => this.stats());
    const gaveUp = this.abandoned.then((): RunStats => {
      const stats = this.stats();
      return { ...stats, unconfirmed: stats.unconfirmed + stats.inFlight, inFlight: 0 };
    });
    return Promise.race([finished, gaveUp]);
  }

  private async work(sink: Sink): Promise<void> {
    const { source, schema, clock, batchSize } = this.options;
    const signal = this.controller.signal;
    while (!signal.aborted && !source.exhausted) {
      const slots = await this.pacer.acquire(Math.min(batchSize, source.remaining), signal);
      if (slots === 0) break;
      const taken = source.take(slots);
      // The other workers may be waiting for a slot: with nothing left to take, wake them to end.
      if (source.exhausted) this.stop();
      if (taken.waitMs > 0) this.pacer.delay(taken.waitMs);
      if (taken.records.length === 0) continue;
      // Datasets without an event-time field (reference sets) are stamped with the clock's time.
      const stamp = clock.now();
      const messages = taken.records.map((record) => toMessage(schema, record, stamp));
      const id = this.sendIds++;
      this.inFlight.set(id, { count: messages.length, since: Date.now() });
      try {
        await sink.send(messages);
        this.sent += messages.length;
      } catch (error) {
        const missing = error instanceof DeliveryError ? error.undelivered : messages.length;
        if (error instanceof DeliveryError && error.fate === 'unknown') {
          this.unconfirmed += missing;
          this.unconfirmedErrors.push(describeError(error));
        } else {
          this.failed += missing;
          this.errors.push(describeError(error));
        }
        this.sent += messages.length - missing;
        this.stop();
      } finally {
        this.inFlight.delete(id);
      }
    }
  }
}
