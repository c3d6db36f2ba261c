import type { OutMessage } from '../runtime/message';
import { sleep } from '../runtime/sleep';
import { DeliveryError, type Sink } from './sink';

export const PAYMENT_ENDPOINTS = ['/payment_json', '/payment_avro', '/payment_protobuf'] as const;

/**
 * Drives the payments HTTP API: POSTs each payment as JSON, rotating over the three format
 * endpoints, so the API produces them in JSON, Avro and Protobuf through Schema Registry. A 503
 * (Kafka or the registry unavailable) is retried until the delivery timeout; any other non-2xx
 * is a rejected payment and reported.
 */
export class PaymentsApiSink implements Sink {
  private next = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly deliveryTimeoutMs: number,
  ) {}

  async open(): Promise<void> {}

  async send(messages: readonly OutMessage[]): Promise<void> {
    const results = await Promise.allSettled(messages.map((message) => this.post(message, PAYMENT_ENDPOINTS[this.next++ % PAYMENT_ENDPOINTS.length])));
    const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failures.length > 0) {
      const first = failures[0].reason instanceof Error ? failures[0].reason.message : String(failures[0].reason);
      throw new DeliveryError(`${failures.length} of ${messages.length} payments not accepted by ${this.baseUrl}: ${first}`, failures.length);
    }
  }

  private async post(message: OutMessage, endpoint: string): Promise<void> {
    const url = new URL(endpoint, this.baseUrl).toString();
    const deadline = Date.now() + this.deliveryTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      let retryable: string;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: message.value,
          signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
        });
        const body = await response.text();
        if (response.ok) return;
        if (response.status !== 503) throw new Error(`POST ${endpoint} answered ${response.status}: ${body.slice(0, 300)}`);
        retryable = `503 ${body.slice(0, 200)}`;
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('POST ')) throw error;
        retryable = error instanceof Error ? error.message : String(error);
      }
      if (Date.now() + 500 >= deadline) throw new Error(`POST ${endpoint} not accepted within ${this.deliveryTimeoutMs} ms; last: ${retryable}`);
      await sleep(Math.min(5000, 100 * 2 ** Math.min(attempt, 6)));
    }
  }

  async close(): Promise<void> {}
}
