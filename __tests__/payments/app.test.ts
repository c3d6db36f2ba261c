/**
 * The payments API's HTTP behaviour on a real node:http server. Kafka cannot run in `npm test`,
 * so a recording BatchSender stands in for the kafkajs producer (what it receives is what would be
 * produced); the Schema Registry is the documented-contract stand-in of ../formats/fake-registry.
 * integration/payments runs the same API against a real broker and a real registry.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomPayment } from '../../generators/datasets/payments';
import { SchemaRegistryClient } from '../../generators/formats/registry-client';
import { createFaker } from '../../generators/random';
import { createPaymentsApp, type PaymentsApp } from '../../payments/app';
import { ProduceBatcher, type BatchSender, type OutgoingRecord } from '../../payments/batcher';
import { endpointsOf } from '../../payments/endpoints';
import { KafkaUnavailableError } from '../../payments/kafka-sender';
import { startFakeRegistry, type FakeRegistry } from '../formats/fake-registry';

class RecordingSender implements BatchSender {
  readonly produced: { topic: string; record: OutgoingRecord }[] = [];
  failure: Error | undefined;

  async sendBatch(batch: ReadonlyMap<string, readonly OutgoingRecord[]>): Promise<void> {
    if (this.failure) throw this.failure;
    for (const [topic, records] of batch) for (const record of records) this.produced.push({ topic, record });
  }
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

const NOW = 1_800_000_000_000;
const MAX_BODY = 4096;
const endpoints = endpointsOf();
const VALID = {
  id: '6f1c1f0e-8a5e-4d8e-9f5e-0c2b7b0b6a11',
  payee_bank: 'Harbor Savings',
  payee_account_no: 12_345_678_901,
  payment_amount: 9_500.25,
  payment_method: 'WIRE',
  payor_account_no: 100_042,
  created_at: 1_700_000_000_000,
};

let registry: FakeRegistry;
let sender: RecordingSender;
let app: PaymentsApp;
let server: Server;
let base: string;
let healthy = true;

function call(method: string, path: string, body?: string | Buffer, options: { chunked?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
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

async function startApp(registryUrl: string): Promise<void> {
  sender = new RecordingSender();
  const faker = createFaker(7);
  app = createPaymentsApp({
    endpoints,
    registry: new SchemaRegistryClient({ url: registryUrl, timeoutMs: 2_000 }),
    producer: new ProduceBatcher(sender, { lingerMs: 1, maxBatchRecords: 100 }),
    randomPayment: (now) => randomPayment(faker, now),
    health: () => ({ ok: healthy, kafka: healthy ? 'connected' : 'unavailable: test', registry: 'ok' }),
    maxBodyBytes: MAX_BODY,
    now: () => NOW,
  });
  server = createServer(app.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeEach(async () => {
  healthy = true;
  registry = await startFakeRegistry();
  await startApp(registry.url);
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await registry.close();
});

describe.each(endpoints.map((e) => [e.path, e] as const))('%s', (path, endpoint) => {
  it('POST a valid payment: 201 with its id; one record on the topic, keyed by id, timestamped created_at, in the registered schema', async () => {
    const answer = await call('POST', path, JSON.stringify(VALID));
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ id: VALID.id, topic: endpoint.topic, format: endpoint.format, schema_id: 1 });
    expect(sender.produced).toHaveLength(1);
    const [{ topic, record }] = sender.produced;
    expect(topic).toBe(endpoint.topic);
    expect(record.key).toBe(VALID.id);
    expect(record.timestamp).toBe(VALID.created_at);
    expect(endpoint.serde.deserialize(record.value)).toEqual({ schemaId: 1, record: VALID });
    const registration = registry.requests.find((r) => r.method === 'POST')!;
    expect(registration.url).toBe(`/subjects/${endpoint.topic}-value/versions`);
    expect(JSON.parse(registration.body)).toEqual({ schema: endpoint.serde.schemaText, schemaType: endpoint.serde.schemaType });
  });

  it('GET: 200 with a random payment, which is what was produced', async () => {
    const answer = await call('GET', path);
    expect(answer.status).toBe(200);
    const payment = answer.body.payment as Record<string, unknown>;
    expect(answer.body.id).toBe(payment.id);
    expect(payment.created_at).toBe(NOW);
    expect(sender.produced).toHaveLength(1);
    expect(sender.produced[0].record.key).toBe(payment.id);
    expect(endpoint.serde.deserialize(sender.produced[0].record.value).record).toEqual(payment);
  });
});

describe('invalid POST bodies: 400 naming the field, nothing produced', () => {
  const path = '/payment_avro';
  const { payment_amount: _amount, ...missingAmount } = VALID;

  it.each([
    ['a missing field', JSON.stringify(missingAmount), 'payment_amount', /payment_amount is missing/],
    ['a wrong type', JSON.stringify({ ...VALID, payor_account_no: 'abc' }), 'payor_account_no', /32-bit integer, got a string/],
    ['a negative amount', JSON.stringify({ ...VALID, payment_amount: -20 }), 'payment_amount', /greater than 0, got -20/],
    ['a zero amount', JSON.stringify({ ...VALID, payment_amount: 0 }), 'payment_amount', /greater than 0, got 0/],
    ['an unknown field', JSON.stringify({ ...VALID, memo: 'x' }), 'memo', /not a field of payments/],
    ['non-JSON', 'id=1&amount=5', '(body)', /not valid JSON/],
    ['an empty body', '', '(body)', /is empty/],
    ['a JSON array', '[1,2]', '(body)', /must be a JSON object/],
  ])('%s', async (_what, body, field, message) => {
    const answer = await call('POST', path, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_payment', field });
    expect(answer.body.message).toMatch(message);
    expect(sender.produced).toHaveLength(0);
  });

  it('a huge payload with Content-Length over the limit is refused without reading it', async () => {
    const huge = JSON.stringify({ ...VALID, payee_bank: 'B'.repeat(100_000) });
    const answer = await call('POST', path, huge);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ field: '(body)', message: expect.stringContaining(`at most ${MAX_BODY} bytes`) });
    expect(answer.headers.connection).toBe('close');
    expect(sender.produced).toHaveLength(0);
  });

  it('a huge chunked payload (no Content-Length) is cut off at the limit', async () => {
    const huge = JSON.stringify({ ...VALID, payee_bank: 'B'.repeat(100_000) });
    const answer = await call('POST', path, huge, { chunked: true });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ field: '(body)', message: expect.stringContaining(`more than ${MAX_BODY} bytes`) });
    expect(sender.produced).toHaveLength(0);
  });

  it('the server still serves valid payments after refusing invalid ones', async () => {
    await call('POST', path, '{oops');
    expect((await call('POST', path, JSON.stringify(VALID))).status).toBe(201);
    expect(sender.produced).toHaveLength(1);
  });
});

describe('unavailable dependencies: 503', () => {
  it('Kafka unavailable: 503 kafka_unavailable with Retry-After, and the cause', async () => {
    sender.failure = new KafkaUnavailableError('Kafka at 127.0.0.1:9092 did not acknowledge the batch: Connection error');
    const answer = await call('POST', '/payment_json', JSON.stringify(VALID));
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: 'kafka_unavailable', message: expect.stringContaining('Connection error') });
    expect(answer.headers['retry-after']).toBe('1');
    expect((await call('GET', '/payment_protobuf')).status).toBe(503);
  });

  it('Schema Registry unreachable: 503 schema_registry_unavailable naming the registry, nothing produced', async () => {
    const url = registry.url;
    await registry.close();
    const answer = await call('POST', '/payment_protobuf', JSON.stringify(VALID));
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: 'schema_registry_unavailable', message: expect.stringContaining(`Schema Registry at ${url}`) });
    expect(sender.produced).toHaveLength(0);
    registry = await startFakeRegistry(); // for afterEach
  });

  it('Schema Registry answering 5xx: 503; once it recovers the same endpoint produces', async () => {
    registry.failWith(503, 50003, 'Error while forwarding the request to the leader');
    expect((await call('POST', '/payment_avro', JSON.stringify(VALID))).status).toBe(503);
    expect((await call('POST', '/payment_avro', JSON.stringify(VALID))).status).toBe(201);
    expect(sender.produced).toHaveLength(1);
  });

  it('a schema the registry rejects (409 incompatible) is a 500 naming the subject, not a 503', async () => {
    registry.failWith(409, 409, 'Schema being registered is incompatible with an earlier schema');
    const answer = await call('POST', '/payment_avro', JSON.stringify(VALID));
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ error: 'schema_rejected', message: expect.stringContaining("subject 'payment_avro-value'") });
    expect(sender.produced).toHaveLength(0);
  });
});

describe('other routes', () => {
  it('/healthz: 200 while Kafka is connected, 503 when not, 503 draining during shutdown', async () => {
    expect(await call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok', kafka: 'connected' } });
    healthy = false;
    expect(await call('GET', '/healthz')).toMatchObject({ status: 503, body: { status: 'unavailable' } });
    healthy = true;
    app.startDraining();
    expect(await call('GET', '/healthz')).toMatchObject({ status: 503, body: { status: 'draining' } });
    const answer = await call('POST', '/payment_json', JSON.stringify(VALID));
    expect(answer.status).toBe(201);
    expect(answer.headers.connection).toBe('close');
  });

  it('unknown paths are 404 listing the endpoints; other methods are 405 with Allow', async () => {
    const missing = await call('GET', '/payment_xml');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('/payment_json, /payment_avro, /payment_protobuf');
    const put = await call('PUT', '/payment_json', JSON.stringify(VALID));
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, POST');
    expect(sender.produced).toHaveLength(0);
  });
});
