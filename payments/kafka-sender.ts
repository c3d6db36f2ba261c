/**
 * The BatchSender over a kafkajs idempotent producer (acks=all). It connects in the background and
 * keeps trying, so the API starts (and answers 503) before the broker is reachable, and probes a
 * connected broker so that /healthz tells one that stopped answering.
 */
import { CompressionTypes, Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { BatchSender, OutgoingRecord } from './batcher';

export class KafkaUnavailableError extends Error {
  constructor(
    message: string,
    /**
     * false: nothing was sent (no connection). 'unknown': the batch was sent and the producer gave
     * up waiting; the broker may have written it without its answer arriving.
     */
    readonly written: false | 'unknown' = false,
  ) {
    super(message);
    this.name = 'KafkaUnavailableError';
  }
}

export interface KafkaSenderOptions {
  /** Broker-side wait for the in-sync replicas (the produce request's timeout). Default 10,000 ms. */
  readonly ackTimeoutMs?: number;
  /** Pause between connection attempts, and between liveness probes. Default 2,000 ms. */
  readonly reconnectMs?: number;
  /**
   * A liveness probe (a metadata request) unanswered this long marks the broker as not answering.
   * A frozen broker keeps its TCP connections open, so only an unanswered request shows it.
   * Default 5,000 ms.
   */
  readonly probeTimeoutMs?: number;
  /**
   * The bytes the client of `kafka` wrote to its connections (its socketFactory's WireBytes).
   * With it a failed send that wrote nothing is reported as not written; without it every failed
   * send is 'unknown'.
   */
  readonly wire?: { total(): number };
  readonly log?: (line: string) => void;
}

export class KafkaBatchSender implements BatchSender {
  private readonly producer: Producer;
  /**
   * Asks the broker for metadata every few seconds: a frozen broker shows only as an unanswered
   * request, and after a failed send health recovers without traffic.
   */
  private readonly probe: Admin;
  private watching = false;
  /** The last liveness probe was answered in time (or none has run yet). */
  private answering = true;
  private connected = false;
  private stopped = false;
  private connecting: Promise<void> | undefined;
  private lastError = 'not connected yet';
  private lastSendFailed = false;
  private readonly pauses = new Set<() => void>();
  private readonly ackTimeoutMs: number;
  private readonly reconnectMs: number;
  private readonly probeTimeoutMs: number;
  private readonly wire: { total(): number } | undefined;
  private readonly log: (line: string) => void;

  constructor(
    kafka: Kafka,
    private readonly brokers: readonly string[],
    options: KafkaSenderOptions = {},
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.reconnectMs = options.reconnectMs ?? 2_000;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 5_000;
    this.wire = options.wire;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.producer = kafka.producer({
      // Idempotence makes kafkajs retry without duplicates; it implies acks=all and one request in flight.
      idempotent: true,
      maxInFlightRequests: 1,
      // murmur2 of the key, as the Java client partitions: the same id lands where Java would put it.
      createPartitioner: Partitioners.DefaultPartitioner,
      // The stack creates the topics; a missing one is a deployment error, not something to paper over.
      allowAutoTopicCreation: false,
      // Bounded, so that an unreachable broker becomes a 503 within seconds instead of minutes.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    this.probe = kafka.admin();
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
      if (this.stopped) return;
      this.lastError = 'the producer disconnected';
      this.connecting = undefined;
      void this.start();
    });
  }

  /**
   * Connected, the last batch (if any) was acknowledged, and the broker answers the liveness probe.
   * kafkajs reports no lost connection until a request fails, and a frozen broker fails none: it
   * just does not answer, which only the probe's own deadline tells.
   */
  get isHealthy(): boolean {
    return this.connected && !this.lastSendFailed && this.answering;
  }

  get status(): string {
    return this.isHealthy ? 'connected' : `unavailable: ${this.lastError}`;
  }

  /** Starts connecting; resolves on the first success (retries until stop()). */
  start(): Promise<void> {
    this.connecting ??= this.connectLoop();
    return this.connecting;
  }

  private async connectLoop(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.producer.connect();
        // Connecting took answered requests: the broker answers (until a probe says otherwise).
        this.connected = true;
        this.answering = true;
        void this.watch();
        if (attempt > 1) this.log(`payments-api: connected to Kafka ${this.brokers.join(',')} after ${attempt} attempts`);
        return;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        if (attempt === 1 || attempt % 15 === 0) {
          this.log(`payments-api: Kafka ${this.brokers.join(',')} not reachable (${this.lastError}); retrying every ${this.reconnectMs} ms`);
        }
        await this.pause(this.reconnectMs);
      }
    }
  }

  async sendBatch(batch: ReadonlyMap<string, readonly OutgoingRecord[]>): Promise<void> {
    if (!this.connected) {
      throw new KafkaUnavailableError(`Kafka at ${this.brokers.join(',')} is unavailable (${this.lastError})`);
    }
    const wroteBefore = this.wire?.total();
    try {
      await this.producer.sendBatch({
        acks: -1,
        timeout: this.ackTimeoutMs,
        compression: CompressionTypes.None,
        topicMessages: [...batch].map(([topic, records]) => ({
          topic,
          messages: records.map((record) => ({ key: record.key, value: record.value, timestamp: String(record.timestamp) })),
        })),
      });
      // An acknowledged batch is an answer as good as the probe's.
      this.lastSendFailed = false;
      this.answering = true;
    } catch (error) {
      this.lastSendFailed = true;
      this.lastError = error instanceof Error ? error.message : String(error);
      // Not one byte written during the send (every attempt refused, say): no broker has the batch.
      if (wroteBefore !== undefined && this.wire?.total() === wroteBefore) {
        throw new KafkaUnavailableError(`Kafka at ${this.brokers.join(',')} could not be reached to send the batch (${this.lastError}); nothing was sent`, false);
      }
      throw new KafkaUnavailableError(`Kafka at ${this.brokers.join(',')} did not acknowledge the batch: ${this.lastError}`, 'unknown');
    }
  }

  /** Sleeps `ms`; stop() ends every pause at once, so no timer outlives the sender. */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.pauses.delete(wake);
        resolve();
      }, ms);
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.pauses.add(wake);
    });
  }

  /** A metadata request; resolves to the error text, or undefined when answered. */
  private async probeOnce(): Promise<string | undefined> {
    try {
      await this.probe.connect();
      await this.probe.describeCluster();
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  /**
   * Probes the broker every `reconnectMs` while connected. An answer clears a failed send (health
   * recovers without traffic); no answer within `probeTimeoutMs` marks the broker as not answering
   * until the probe, still waiting, is answered.
   */
  private async watch(): Promise<void> {
    if (this.watching) return;
    this.watching = true;
    try {
      while (this.connected && !this.stopped) {
        await this.pause(this.reconnectMs);
        if (this.stopped) return;
        const probe = this.probeOnce();
        let timer: NodeJS.Timeout | undefined;
        const late = Symbol('late');
        const first = await Promise.race([probe, new Promise<typeof late>((resolve) => (timer = setTimeout(() => resolve(late), this.probeTimeoutMs)))]);
        clearTimeout(timer);
        if (first === late) {
          this.lastError = `the broker did not answer a metadata request within ${this.probeTimeoutMs} ms (frozen, overloaded or cut off)`;
          if (this.answering) this.log(`payments-api: Kafka ${this.brokers.join(',')}: ${this.lastError}`);
          this.answering = false;
        }
        const problem = first === late ? await probe : first;
        if (this.stopped) return;
        if (problem === undefined) {
          if (!this.answering || this.lastSendFailed) this.log(`payments-api: Kafka ${this.brokers.join(',')} answers again`);
          this.answering = true;
          this.lastSendFailed = false;
        } else {
          this.answering = false;
          this.lastError = problem;
        }
      }
    } finally {
      this.watching = false;
    }
  }

  /**
   * Stops reconnecting and disconnects. A connection attempt under way cannot be aborted in
   * kafkajs; it is given a few seconds (its retries are bounded) so that no socket outlives stop().
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.connected = false;
    for (const wake of this.pauses) wake();
    this.pauses.clear();
    if (this.connecting !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.connecting, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)))]);
      clearTimeout(timer);
    }
    await this.probe.disconnect().catch(() => undefined);
    await this.producer.disconnect();
  }
}
