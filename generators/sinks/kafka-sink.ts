import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { OutMessage } from '../runtime/message';
import { DeliveryError, describeError, withTimeout, type Sink } from './sink';

/**
 * Whether the broker answered the send's last attempt with an error (kafkajs' KafkaJSProtocolError,
 * possibly wrapped by its retrier): then the batch was not appended, as an idempotent producer's
 * retry of a batch an earlier attempt did append is answered as a duplicate, not an error.
 * Anything else (no answer in time, a connection lost or refused) leaves the batch's fate unknown.
 */
function brokerRefused(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current.name === 'KafkaJSProtocolError') return true;
    if (current.name !== 'KafkaJSNonRetriableError' && current.name !== 'KafkaJSNumberOfRetriesExceeded') return false;
    current = current.cause ?? (current as Error & { originalError?: unknown }).originalError;
  }
  return false;
}

/**
 * One idempotent kafkajs producer (acks=all, one request in flight, so retries neither duplicate
 * nor reorder). kafkajs retries an idempotent send without limit; the delivery timeout bounds it,
 * like Java's delivery.timeout.ms, and the send is then reported as undelivered.
 */
export class KafkaSink implements Sink {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly deliveryTimeoutMs: number,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // The Java client's murmur2 partitioner: a key lands in the same partition as from any Kafka client.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async open(): Promise<void> {
    await withTimeout(this.producer.connect(), this.deliveryTimeoutMs, () => new Error(`could not connect to Kafka within ${this.deliveryTimeoutMs} ms`));
  }

  async send(messages: readonly OutMessage[]): Promise<void> {
    const send = this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: messages.map((message) => ({ key: message.key, value: message.value, timestamp: String(message.timestamp) })),
    });
    try {
      await withTimeout(send, this.deliveryTimeoutMs, () => new Error(`not acknowledged within the delivery timeout of ${this.deliveryTimeoutMs} ms`));
    } catch (error) {
      if (brokerRefused(error)) {
        throw new DeliveryError(`${messages.length} messages to topic '${this.topic}' not delivered: ${describeError(error)}`, messages.length, { cause: error });
      }
      throw new DeliveryError(
        `${messages.length} messages to topic '${this.topic}' unconfirmed, may still be written: ${describeError(error)}`,
        messages.length,
        { cause: error, fate: 'unknown' },
      );
    }
  }

  async close(): Promise<void> {
    await withTimeout(this.producer.disconnect(), 10_000, () => new Error('producer did not disconnect within 10 s'));
  }
}
