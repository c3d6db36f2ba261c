/**
 * The payments app on a real node:http server with stand-ins for what `npm test` cannot run: a
 * recording BatchSender for the kafkajs producer (what it receives is what would be produced; it
 * can hold batches unanswered, as a frozen broker does) and the documented-contract Schema Registry
 * of ../formats/fake-registry. integration/payments runs the same app against the real ones.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomPayment } from '../../generators/datasets/payments';
import { SchemaRegistryClient } from '../../generators/formats/registry-client';
import { createFaker } from '../../generators/random';
import { createPaymentsApp, type PaymentReceipt, type PaymentsApp } from '../../payments/app';
import { ProduceBatcher, type BatchSender, type OutgoingRecord } from '../../payments/batcher';
import { endpointsOf } from '../../payments/endpoints';
import { IdempotencyStore } from '../../payments/idempotency';
import { EndpointSchemas } from '../../payments/schemas';
import { DEFAULT_CREATED_AT_WINDOW } from '../../payments/validation';
import { startFakeRegistry, type FakeRegistry } from '../formats/fake-registry';

export class RecordingSender implements BatchSender {
  readonly produced: { topic: string; record: OutgoingRecord }[] = [];
  failure: Error | undefined;
  /** While set, batches are taken and left unanswered, as by a broker stopped with SIGSTOP. */
  frozen = false;
  private held: { batch: ReadonlyMap<string, readonly OutgoingRecord[]>; resolve: () => void }[] = [];

  async sendBatch(batch: ReadonlyMap<string, readonly OutgoingRecord[]>): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.frozen) {
      await new Promise<void>((resolve) => this.held.push({ batch, resolve }));
    }
    for (const [topic, records] of batch) for (const record of records) this.produced.push({ topic, record });
  }

  /** Batches taken while frozen and not answered yet. */
  get heldBatches(): number {
    return this.held.length;
  }

  /** The broker wakes up: held batches are written and acknowledged. */
  thaw(): void {
    this.frozen = false;
    const held = this.held;
    this.held = [];
    for (const { resolve } of held) resolve();
  }
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

export const NOW = 1_800_000_000_000;
export const MAX_BODY = 4096;
export const ACK_TIMEOUT_MS = 300;
export const endpoints = endpointsOf();
export const VALID = {
  id: '6f1c1f0e-8a5e-4d8e-9f5e-0c2b7b0b6a11',
  payee_bank: 'Harbor Savings',
  payee_account_no: 12_345_678_901,
  payment_amount: 9_500.25,
  payment_method: 'WIRE',
  payor_account_no: 100_042,
  created_at: NOW - 60_000,
};

export interface Harness {
  readonly base: string;
  readonly sender: RecordingSender;
  readonly app: PaymentsApp;
  readonly schemas: EndpointSchemas;
  readonly idempotency: IdempotencyStore<PaymentReceipt>;
  readonly logs: string[];
  registry: FakeRegistry;
  kafkaHealthy: boolean;
  call(method: string, path: string, body?: string | Buffer, options?: { chunked?: boolean; contentType?: string | null }): Promise<Answer>;
  close(): Promise<void>;
}

export async function startHarness(options: { idempotency?: IdempotencyStore<PaymentReceipt> } = {}): Promise<Harness> {
  const registry = await startFakeRegistry();
  const sender = new RecordingSender();
  const faker = createFaker(7);
  const logs: string[] = [];
  const schemas = new EndpointSchemas(new SchemaRegistryClient({ url: registry.url, timeoutMs: 2_000 }), endpoints);
  const idempotency = options.idempotency ?? new IdempotencyStore<PaymentReceipt>({ ttlMs: 60_000, maxIds: 1_000, now: () => NOW });
  const harness: Harness = {
    base: '',
    sender,
    schemas,
    idempotency,
    logs,
    registry,
    kafkaHealthy: true,
    app: undefined as unknown as PaymentsApp,
    call: () => Promise.reject(new Error('not started')),
    close: () => Promise.resolve(),
  };
  const app = createPaymentsApp({
    endpoints,
    schemas,
    producer: new ProduceBatcher(sender, { lingerMs: 1, maxBatchRecords: 100 }),
    randomPayment: (now) => randomPayment(faker, now),
    health: () => ({ ok: harness.kafkaHealthy, kafka: harness.kafkaHealthy ? 'connected' : 'unavailable: test' }),
    idempotency,
    maxBodyBytes: MAX_BODY,
    ackTimeoutMs: ACK_TIMEOUT_MS,
    createdAtWindow: DEFAULT_CREATED_AT_WINDOW,
    now: () => NOW,
    log: (line) => logs.push(line),
  });
  const server: Server = createServer(app.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(harness, {
    base,
    app,
    call: (method: string, path: string, body?: string | Buffer, callOptions: { chunked?: boolean; contentType?: string | null } = {}) =>
      call(base, method, path, body, callOptions),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await harness.registry.close();
    },
  });
}

function call(base: string, method: string, path: string, body: string | Buffer | undefined, options: { chunked?: boolean; contentType?: string | null }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
    if (body !== undefined && !options.chunked) headers['content-length'] = Buffer.byteLength(body);
    const req = request(`${base}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown> }));
    });
    // A server that refuses a huge body may close before the client finished writing it.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    if (options.chunked && body !== undefined) {
      const buffer = Buffer.from(body);
      for (let offset = 0; offset < buffer.length; offset += 1024) req.write(buffer.subarray(offset, offset + 1024));
      req.end();
    } else req.end(body);
  });
}
