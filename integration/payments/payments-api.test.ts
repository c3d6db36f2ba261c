/**
 * The payments API end to end: a real KRaft broker (integration/support/kafka.ts) and a real
 * Confluent-compatible Schema Registry (Apicurio Registry from Maven Central, serving the
 * Confluent API under /apis/ccompat/v7: integration/support/registry.ts). Records are consumed
 * back and decoded with the schema the registry returns for the id in each record.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { SchemaRegistryClient } from '../../generators/formats/registry-client';
import { serdeFromRegistrySchema } from '../../generators/formats/serde';
import { parsePaymentsArgs } from '../../payments/config';
import { endpointsOf } from '../../payments/endpoints';
import { startPaymentsServer, type RunningPaymentsServer } from '../../payments/server';
import { startKafka, type LocalKafka } from '../support/kafka';
import { startSchemaRegistry, type LocalSchemaRegistry } from '../support/registry';

const endpoints = endpointsOf();
const topics = endpoints.map((e) => e.topic);

let kafka: LocalKafka;
let registry: LocalSchemaRegistry;
let admin: Admin;
let api: RunningPaymentsServer;

interface Consumed {
  readonly topic: string;
  readonly key: string;
  readonly timestamp: number;
  readonly value: Buffer;
}

function client(): Kafka {
  return new Kafka({ clientId: 'payments-it', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING });
}

async function startApi(registryUrl: string): Promise<RunningPaymentsServer> {
  const parsed = parsePaymentsArgs(['--host', '127.0.0.1', '--port', '0', '--brokers', kafka.bootstrap, '--schema-registry-url', registryUrl, '--registry-timeout-ms', '3000'], {});
  if (parsed.kind !== 'run') throw new Error('expected a run configuration');
  return startPaymentsServer(parsed.config, { env: {}, log: () => undefined, kafkaLogLevel: logLevel.NOTHING });
}

async function recordCount(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
}

/** Every record of `topic`, from the beginning, once the topic holds `expected` records. */
async function consumeAll(topic: string, expected: number): Promise<Consumed[]> {
  const consumer = client().consumer({ groupId: `payments-it-${topic}-${Date.now()}` });
  const records: Consumed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed ${records.length} of ${expected} records of ${topic} within 60 s`)), 60_000);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            records.push({ topic, key: message.key?.toString() ?? '', timestamp: Number(message.timestamp), value: message.value ?? Buffer.alloc(0) });
            if (records.length >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

async function post(path: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const payment = (n: number): Record<string, string | number> => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  payee_bank: 'Harbor Savings',
  payee_account_no: 10_000_000_000 + n,
  payment_amount: 100 + n / 100,
  payment_method: ['ACH', 'WIRE', 'CHECK', 'CARD', 'RTP'][n % 5],
  payor_account_no: 100_000 + n,
  created_at: 1_700_000_000_000 + n * 1000,
});

beforeAll(async () => {
  [kafka, registry] = await Promise.all([startKafka({ partitions: 3 }), startSchemaRegistry()]);
  admin = client().admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
  api = await startApi(registry.url);
});

afterAll(async () => {
  await api?.close();
  await admin?.disconnect();
  await registry?.stop();
  await kafka?.stop();
});

describe.each(endpoints.map((e) => [e.path, e] as const))('%s', (path, endpoint) => {
  it('POSTed and GET payments reach the topic keyed by id, timestamped created_at, decodable with the registry schema', async () => {
    const base = endpoints.indexOf(endpoint) * 1000;
    const posted = Array.from({ length: 20 }, (_, i) => payment(base + i));
    for (const body of posted) {
      const answer = await post(path, JSON.stringify(body));
      expect(answer).toMatchObject({ status: 201, json: { id: body.id, topic: endpoint.topic, format: endpoint.format } });
    }
    const fetched: Record<string, unknown>[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${api.url}${path}`);
      expect(response.status).toBe(200);
      fetched.push(((await response.json()) as { payment: Record<string, unknown> }).payment);
    }

    const expected = [...posted, ...fetched];
    const records = await consumeAll(endpoint.topic, expected.length);
    expect(records).toHaveLength(expected.length);
    const registryClient = new SchemaRegistryClient({ url: registry.url });
    const byId = new Map(expected.map((p) => [p.id as string, p]));
    for (const record of records) {
      const sent = byId.get(record.key);
      expect(sent).toBeDefined();
      expect(record.timestamp).toBe(sent!.created_at);
      expect(record.value[0]).toBe(0);
      const schemaId = record.value.readUInt32BE(1);
      const stored = await registryClient.schemaById(schemaId);
      expect(stored.schemaType).toBe(endpoint.serde.schemaType);
      const decoded = serdeFromRegistrySchema(stored.schemaType, stored.schema).deserialize(record.value);
      expect(decoded).toEqual({ schemaId, record: sent });
    }
    // The registry holds the value schema under the TopicNameStrategy subject.
    const subjects = (await (await fetch(`${registry.url}/subjects`)).json()) as string[];
    expect(subjects).toContain(`${endpoint.topic}-value`);
  });
});

it('invalid POST bodies get 400 naming the field and write nothing to the real topic', async () => {
  const path = '/payment_avro';
  const before = await recordCount('payment_avro');
  const { payment_amount: _amount, ...missing } = payment(5000);
  const invalid: [string, string][] = [
    [JSON.stringify(missing), 'payment_amount'],
    [JSON.stringify({ ...payment(5001), payor_account_no: 'abc' }), 'payor_account_no'],
    [JSON.stringify({ ...payment(5002), payment_amount: -10 }), 'payment_amount'],
    [JSON.stringify({ ...payment(5003), payee_bank: 'B'.repeat(100_000) }), '(body)'],
    ['not json at all', '(body)'],
  ];
  for (const [body, field] of invalid) {
    const answer = await post(path, body);
    expect(answer).toMatchObject({ status: 400, json: { error: 'invalid_payment', field } });
  }
  const marker = payment(5999);
  expect((await post(path, JSON.stringify(marker))).status).toBe(201);
  // Only the marker was written: the topic grew by exactly one record, and it is the marker.
  expect(await recordCount('payment_avro')).toBe(before + 1);
  const records = await consumeAll('payment_avro', before + 1);
  const keys = new Set(records.map((r) => r.key));
  for (const n of [5000, 5001, 5002, 5003]) expect(keys.has(payment(n).id as string)).toBe(false);
  expect(records.filter((r) => r.key === marker.id)).toHaveLength(1);
});

it('Kafka down: 503 kafka_unavailable and /healthz 503; after the broker restarts, payments are produced again', async () => {
  await kafka.stop();
  const down = await post('/payment_json', JSON.stringify(payment(7000)));
  expect(down.status).toBe(503);
  expect(down.json).toMatchObject({ error: 'kafka_unavailable' });
  expect((await fetch(`${api.url}/healthz`)).status).toBe(503);

  await kafka.restart();
  admin = client().admin();
  await admin.connect();
  const deadline = Date.now() + 90_000;
  let status = 0;
  while (Date.now() < deadline) {
    status = (await post('/payment_json', JSON.stringify(payment(7001)))).status;
    if (status === 201) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  expect(status).toBe(201);
  expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
});

it('Schema Registry down: an API that has no schema id yet answers 503 schema_registry_unavailable and writes nothing', async () => {
  const before = await recordCount('payment_protobuf');
  await registry.stop();
  const fresh = await startApi(registry.url);
  try {
    const response = await fetch(`${fresh.url}/payment_protobuf`, { method: 'POST', body: JSON.stringify(payment(8000)) });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'schema_registry_unavailable', message: expect.stringContaining(registry.url) });
  } finally {
    await fresh.close();
  }
  expect(await recordCount('payment_protobuf')).toBe(before);
});
