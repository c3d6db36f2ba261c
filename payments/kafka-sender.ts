/**
 * The BatchSender over a kafkajs idempotent producer (acks=all). It connects in the background and
 * keeps trying, so the API starts (and answers 503) before the broker is reachable.
 */
import { CompressionTypes, Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { BatchSender, OutgoingRecord } from './batcher';

export class KafkaUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KafkaUnavailableError';
  }
}

export interface KafkaSenderOptions {
  /** Broker-side wait for the in-sync replicas (the produce request's timeout). Default 10,000 ms. */
  readonly ackTimeoutMs?: number;
  /** Pause between connection attempts. Default 2,000 ms. */
  readonly reconnectMs?: number;
  readonly log?: (line: string) => void;
}

export class KafkaBatchSender implements BatchSender {
  private readonly producer: Producer;
  /** Asks the broker for metadata after a failed send, so health recovers without traffic. */
  private readonly probe: Admin;
  private probing = false;
  private connected = false;
  private stopped = false;
  private connecting: Promise<void> | undefined;
  private lastError = 'not connected yet';
  private lastSendFailed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly ackTimeoutMs: number;
  private readonly reconnectMs: number;
  private readonly log: (line: string) => void;

  constructor(
    kafka: Kafka,
    private readonly brokers: readonly string[],
    options: KafkaSenderOptions = {},
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.reconnectMs = options.reconnectMs ?? 2_000;
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
   * Connected, and the last batch (if any) was acknowledged. kafkajs reports no lost connection
   * until a request fails, so a failed send is what tells that the broker went away.
   */
  get isHealthy(): boolean {
    return this.connected && !this.lastSendFailed;
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
        this.connected = true;
        if (attempt > 1) this.log(`payments-api: connected to Kafka ${this.brokers.join(',')} after ${attempt} attempts`);
        return;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        if (attempt === 1 || attempt % 15 === 0) {
          this.log(`payments-api: Kafka ${this.brokers.join(',')} not reachable (${this.lastError}); retrying every ${this.reconnectMs} ms`);
        }
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve;
          this.retryTimer = setTimeout(resolve, this.reconnectMs);
        });
      }
    }
  }

  async sendBatch(batch: ReadonlyMap<string, readonly OutgoingRecord[]>): Promise<void> {
    if (!this.connected) {
      throw new KafkaUnavailableError(`Kafka at ${this.brokers.join(',')} is unavailable (${this.lastError})`);
    }
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
      this.lastSendFailed = false;
    } catch (error) {
      this.lastSendFailed = true;
      this.lastError = error instanceof Error ? error.message : String(error);
      void this.probeUntilBack();
      throw new KafkaUnavailableError(`Kafka at ${this.brokers.join(',')} did not acknowledge the batch: ${this.lastError}`);
    }
  }

  private async probeUntilBack(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      while (this.lastSendFailed && !this.stopped) {
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve;
          this.retryTimer = setTimeout(resolve, this.reconnectMs);
        });
        if (this.stopped) return;
        try {
          await this.probe.connect();
          await this.probe.describeCluster();
          this.lastSendFailed = false;
          this.log(`payments-api: Kafka ${this.brokers.join(',')} answers again`);
        } catch (error) {
          this.lastError = error instanceof Error ? error.message : String(error);
        }
      }
    } finally {
      this.probing = false;
    }
  }

  /**
   * Stops reconnecting and disconnects. A connection attempt under way cannot be aborted in
   * kafkajs; it is given a few seconds (its retries are bounded) so that no socket outlives stop().
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.connected = false;
    clearTimeout(this.retryTimer);
    this.wakeUp?.();
    if (this.connecting !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.connecting, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)))]);
      clearTimeout(timer);
    }
    await this.probe.disconnect().catch(() => undefined);
    await this.producer.disconnect();
  }
}
