/**
 * The payments API end to end: a real KRaft broker (integration/support/kafka.ts) and a real
 * Confluent Schema Registry (7.9.9 built from public source, ../shared/schema-registry:
 * integration/support/registry.ts). Records are consumed
 * back and decoded with the schema the registry returns for the id in each record.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { SchemaRegistryClient } from '../../generators/formats/registry-client';
import { serdeFromRegistrySchema } from '../../generators/formats/serde';
import { parsePaymentsArgs } from '../../payments/config';
import { endpointsOf } from '../../payments/endpoints';
import { startPaymentsServer, type RunningPaymentsServer } from '../../payments/server';
import { startKafka, type LocalKafka } from '../support/kafka';
import { freePort } from '../support/ports';
import { startSchemaRegistry, type LocalSchemaRegistry } from '../support/registry';

const endpoints = endpointsOf();
const STARTED = Date.now();
const ROOT = join(__dirname, '..', '..');
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

/** Kafka acknowledgement wait of the API under test: short, so the frozen-broker tests stay short. */
const ACK_TIMEOUT_MS = 2_000;

function apiArgs(registryUrl: string): string[] {
  return ['--host', '127.0.0.1', '--brokers', kafka.bootstrap, '--schema-registry-url', registryUrl, '--registry-timeout-ms', '3000', '--ack-timeout-ms', String(ACK_TIMEOUT_MS)];
}

async function startApi(registryUrl: string): Promise<RunningPaymentsServer> {
  const parsed = parsePaymentsArgs([...apiArgs(registryUrl), '--port', '0'], {});
  if (parsed.kind !== 'run') throw new Error('expected a run configuration');
  return startPaymentsServer(parsed.config, { env: {}, log: () => undefined, kafkaLogLevel: logLevel.NOTHING });
}

async function recordCount(topic: string): Promise<number> {
  // Right after a freeze the one-node KRaft broker fences itself briefly (its own session timed out
  // while it was stopped), and answers NOT_LEADER until it re-registers: ask again for a while.
  for (let attempt = 1; ; attempt++) {
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
    } catch (error) {
      if (attempt >= 30) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
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

async function postTo(url: string, path: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const post = (path: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> => postTo(api.url, path, body);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const payment = (n: number): Record<string, string | number> => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  payee_bank: 'Harbor Savings',
  payee_account_no: 10_000_000_000 + n,
  payment_amount: 100 + n / 100,
  payment_method: ['ACH', 'WIRE', 'CHECK', 'CARD', 'RTP'][n % 5],
  payor_account_no: 100_000 + n,
  // Within the accepted window around the server's clock (a week back at most).
  created_at: STARTED - 86_400_000 + n * 1000,
});

beforeAll(async () => {
  kafka = await startKafka({ partitions: 3 });
  // The registry keeps its schemas in the broker's _schemas topic, as the lab's does.
  registry = await startSchemaRegistry({ kafka: { bootstrap: kafka.bootstrap } });
  admin = client().admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
  api = await startApi(registry.url);
});

/** Polls /healthz of `url` until `accept` says yes, or fails naming the last answer. */
async function healthUntil(url: string, accept: (status: number, body: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/healthz`).catch(() => undefined);
    if (response !== undefined) {
      const body = (await response.json()) as Record<string, unknown>;
      if (accept(response.status, body)) return body;
      last = `${response.status} ${JSON.stringify(body)}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`/healthz of ${url} did not become as expected within ${timeoutMs} ms; last answer: ${last}`);
}

it('/healthz is 200 only once all three schemas are registered and Kafka answers, and says so', async () => {
  const body = await healthUntil(api.url, (status) => status === 200, 30_000);
  expect(body).toMatchObject({ status: 'ok', kafka: 'connected', schema_registry: 'ok' });
  const subjects = (await (await fetch(`${registry.url}/subjects`)).json()) as string[];
  for (const subject of ['payment_json-value', 'payment_avro-value', 'payment_protobuf-value']) {
    expect(typeof (body.schemas as Record<string, unknown>)[subject]).toBe('number');
    expect(subjects).toContain(subject);
  }
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

it("a Protobuf payment's schema id is found again by the schema's text without comments (the lookup ksqlDB's Protobuf converter makes)", async () => {
  const protobuf = endpoints.find((e) => e.serde.schemaType === 'PROTOBUF')!;
  // The API registered its schema text with a comment on the message and on every field.
  expect(protobuf.serde.schemaText).toMatch(/^\s*\/\/ /m);
  const [record] = await consumeAll(protobuf.topic, 1);
  const schemaId = record.value.readUInt32BE(1);
  // ksqlDB's converter parses the writer schema and prints it again (no comments), then asks the
  // registry for that text's id under the subject; Apicurio answered 40403 here, so no row arrived.
  const reprinted = protobuf.serde.schemaText
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n');
  const lookup = await fetch(`${registry.url}/subjects/${protobuf.subject}`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: reprinted, schemaType: 'PROTOBUF' }),
  });
  expect({ status: lookup.status, body: (await lookup.json()) as unknown }).toMatchObject({ status: 200, body: { id: schemaId, subject: protobuf.subject } });
});

it('invalid POST bodies get 400 naming the field (413 when too big) and write nothing to the real topic', async () => {
  const path = '/payment_avro';
  const before = await recordCount('payment_avro');
  const { payment_amount: _amount, ...missing } = payment(5000);
  const invalid: [string, string][] = [
    [JSON.stringify(missing), 'payment_amount'],
    [JSON.stringify({ ...payment(5001), payor_account_no: 'abc' }), 'payor_account_no'],
    [JSON.stringify({ ...payment(5002), payment_amount: -10 }), 'payment_amount'],
    ['not json at all', '(body)'],
  ];
  for (const [body, field] of invalid) {
    const answer = await post(path, body);
    expect(answer).toMatchObject({ status: 400, json: { error: 'invalid_payment', field } });
  }
  // Over the body limit: 413, not read.
  expect(await post(path, JSON.stringify({ ...payment(5003), payee_bank: 'B'.repeat(100_000) }))).toMatchObject({ status: 413, json: { error: 'payload_too_large' } });
  const marker = payment(5999);
  expect((await post(path, JSON.stringify(marker))).status).toBe(201);
  // Only the marker was written: the topic grew by exactly one record, and it is the marker.
  expect(await recordCount('payment_avro')).toBe(before + 1);
  const records = await consumeAll('payment_avro', before + 1);
  const keys = new Set(records.map((r) => r.key));
  for (const n of [5000, 5001, 5002, 5003]) expect(keys.has(payment(n).id as string)).toBe(false);
  expect(records.filter((r) => r.key === marker.id)).toHaveLength(1);
});

it('a frozen broker and no traffic: /healthz turns 503 from the liveness probe, and 200 again after SIGCONT', async () => {
  await healthUntil(api.url, (status) => status === 200, 30_000);
  kafka.freeze();
  const frozenAt = Date.now();
  try {
    // A probe every 2 s, unanswered after the ack timeout: 503 within about 2 s + ACK_TIMEOUT_MS.
    const health = await healthUntil(api.url, (status) => status === 503, 15_000);
    expect(health.kafka).toMatch(/did not answer a metadata request within 2000 ms/);
    expect(Date.now() - frozenAt).toBeLessThan(2_000 + ACK_TIMEOUT_MS + 2_000);
  } finally {
    kafka.thaw();
  }
  await healthUntil(api.url, (status) => status === 200, 30_000);
});

it('a frozen broker (SIGSTOP): 503 within the ack timeout saying whether written, /healthz 503; after SIGCONT the retries leave exactly one record per id', async () => {
  await healthUntil(api.url, (status) => status === 200, 30_000);
  const [sent, queued] = [payment(9000), payment(9001)];
  const before = await recordCount('payment_json');
  kafka.freeze();
  try {
    const started = Date.now();
    const first = post('/payment_json', JSON.stringify(sent));
    await sleep(300); // the first batch is on its way to the frozen broker; the next one queues behind it
    const second = post('/payment_json', JSON.stringify(queued));
    const answers = await Promise.all([first, second]);
    expect(Date.now() - started).toBeLessThan(ACK_TIMEOUT_MS + 2_000);
    expect(answers[0]).toMatchObject({ status: 503, json: { error: 'kafka_timeout', written: 'unknown', message: expect.stringContaining('Retry with the same body') } });
    expect(answers[1]).toMatchObject({ status: 503, json: { error: 'kafka_timeout', written: false, message: expect.stringContaining('not written') } });
    // The broker holds its connections open; only an unanswered request shows that it is gone.
    const health = await healthUntil(api.url, (status) => status === 503, 15_000);
    expect(health).toMatchObject({ status: 'unavailable', kafka: expect.stringMatching(/not acknowledged yet|did not answer a metadata request/) });
  } finally {
    kafka.thaw();
  }
  await healthUntil(api.url, (status) => status === 200, 30_000);
  // The clients retry as the answers tell them: the same bodies.
  const retried = [await post('/payment_json', JSON.stringify(sent)), await post('/payment_json', JSON.stringify(queued))];
  expect(retried.map((answer) => answer.status)).toEqual([201, 201]);
  expect(await recordCount('payment_json')).toBe(before + 2);
  const records = await consumeAll('payment_json', before + 2);
  expect(records.filter((record) => record.key === sent.id)).toHaveLength(1);
  expect(records.filter((record) => record.key === queued.id)).toHaveLength(1);
});

it('a killed broker (connections refused): 503 saying written: false, and the retry after the restart writes the payment once', async () => {
  await healthUntil(api.url, (status) => status === 200, 30_000);
  const refused = payment(9050);
  const before = await recordCount('payment_json');
  await kafka.kill();
  let answer: { status: number; json: Record<string, unknown> };
  try {
    answer = await post('/payment_json', JSON.stringify(refused));
  } finally {
    await kafka.restart();
  }
  // Not one byte of the batch reached a broker: false is known, not "unknown".
  expect(answer).toMatchObject({ status: 503, json: { written: false, message: expect.stringContaining('not written') } });
  await healthUntil(api.url, (status) => status === 200, 60_000);
  expect((await post('/payment_json', JSON.stringify(refused))).status).toBe(201);
  expect(await recordCount('payment_json')).toBe(before + 1);
  const records = await consumeAll('payment_json', before + 1);
  expect(records.filter((record) => record.key === refused.id)).toHaveLength(1);
});

it('SIGTERM while the broker is frozen: the API process exits 1 within the shutdown timeout, naming what was not flushed', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    ['--require', 'ts-node/register/transpile-only', 'payments/server.ts', ...apiArgs(registry.url), '--port', String(port), '--shutdown-timeout-ms', '3000'],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await healthUntil(url, (status) => status === 200, 60_000);
    kafka.freeze();
    const answers = [postTo(url, '/payment_avro', JSON.stringify(payment(9100))), postTo(url, '/payment_avro', JSON.stringify(payment(9101)))];
    await sleep(300);
    const signalled = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    const took = Date.now() - signalled;
    expect(code).toBe(1);
    expect(took).toBeLessThan(3_000 + 2_500);
    expect(stderr).toMatch(/shutdown gave up after \d+ ms \(--shutdown-timeout-ms 3000\): .*sent but never acknowledged \(Kafka may still write them/);
    // Every client got an answer before the process went: 503, with whether its payment is written.
    for (const answer of await Promise.all(answers)) expect(answer).toMatchObject({ status: 503, json: { written: expect.anything() } });
  } finally {
    kafka.thaw();
    child.kill('SIGKILL');
  }
}, 120_000);

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
    const response = await fetch(`${fresh.url}/payment_protobuf`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payment(8000)) });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'schema_registry_unavailable', written: false, message: expect.stringContaining(registry.url) });
    // Kafka is fine, but without its schemas the API is not healthy: ksqlDB statements wait for this check.
    const health = await fetch(`${fresh.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      status: 'unavailable',
      schema_registry: expect.stringMatching(/^0 of 3 schemas registered; waiting for payment_json-value, payment_avro-value, payment_protobuf-value/),
      schemas: { 'payment_json-value': null, 'payment_avro-value': null, 'payment_protobuf-value': null },
    });
  } finally {
    await fresh.close();
  }
  expect(await recordCount('payment_protobuf')).toBe(before);
});
