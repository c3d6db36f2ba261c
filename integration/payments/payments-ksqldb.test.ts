/**
 * Payments in all three formats reach PAYMENTS_ALL_FORMATS through the real ksqlDB 7.9.9
 * (../shared/ksqldb, assembled into .cache/ksqldb by scripts/setup-ksqldb.sh) reading what the
 * payments API wrote with the real Confluent Schema Registry (integration/support/registry.ts).
 * With Apicurio as the registry, every payment_protobuf record failed to deserialize: ksqlDB's
 * Protobuf converter looks the writer schema up again by its re-printed text (comments dropped),
 * and Apicurio answered 40403. The statements are payments.sql's own, in file order, sent after
 * the API registered its schemas (the stack's ordering).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { PROJECT_ROOT } from '../../lib/project-root';
import { parseScript } from '../../ksql-language/parser';
import { parsePaymentsArgs } from '../../payments/config';
import { endpointsOf } from '../../payments/endpoints';
import { startPaymentsServer, type RunningPaymentsServer } from '../../payments/server';
import { startKafka, type LocalKafka } from '../support/kafka';
import { startKsqlDb, type LocalKsqlDb } from '../support/ksqldb';
import { waitUntil } from '../support/ports';
import { startSchemaRegistry, type LocalSchemaRegistry } from '../support/registry';

/** The statements that feed PAYMENTS_ALL_FORMATS: the three format streams, the stream, its two INSERTs. */
const FEEDING = new Set(['PAYMENTS_JSON', 'PAYMENTS_AVRO', 'PAYMENTS_PROTOBUF', 'PAYMENTS_ALL_FORMATS']);
const PER_FORMAT = 3;

let kafka: LocalKafka;
let registry: LocalSchemaRegistry;
let api: RunningPaymentsServer;
let ksqldb: LocalKsqlDb;
let admin: Admin;

/** Sends one statement; fails naming it and ksqlDB's own message when it is refused. */
async function execute(statement: string): Promise<void> {
  const response = await fetch(`${ksqldb.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ksql.v1+json' },
    // payments.sql's SET 'auto.offset.reset'='earliest', as the applier sends it.
    body: JSON.stringify({ ksql: statement, streamsProperties: { 'auto.offset.reset': 'earliest' } }),
  });
  if (!response.ok) throw new Error(`ksqlDB refused ${statement.split('\n')[0]}: ${response.status} ${await response.text()}`);
}

beforeAll(async () => {
  kafka = await startKafka({ partitions: 1 });
  registry = await startSchemaRegistry({ kafka: { bootstrap: kafka.bootstrap } });
  admin = new Kafka({ brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: endpointsOf().map((e) => ({ topic: e.topic })), waitForLeaders: true });
  const parsed = parsePaymentsArgs(['--host', '127.0.0.1', '--port', '0', '--brokers', kafka.bootstrap, '--schema-registry-url', registry.url], {});
  if (parsed.kind !== 'run') throw new Error('expected a run configuration of the payments API');
  api = await startPaymentsServer(parsed.config, { env: {}, log: () => undefined, kafkaLogLevel: logLevel.NOTHING });
  await waitUntil(async () => (await fetch(`${api.url}/healthz`)).status === 200, { what: 'the payments API healthy (its three schemas registered)', timeoutMs: 60_000 });
  ksqldb = await startKsqlDb(kafka, { serviceId: 'payments_it_', schemaRegistryUrl: registry.url });
}, 600_000);

afterAll(async () => {
  await api?.close();
  await admin?.disconnect();
  await ksqldb?.stop();
  await registry?.stop();
  await kafka?.stop();
});

it('every payment the API accepts, Protobuf included, appears once in PAYMENTS_ALL_FORMATS with its source format', async () => {
  const sent = new Map<string, string>();
  for (const [f, endpoint] of endpointsOf().entries()) {
    for (let n = 0; n < PER_FORMAT; n++) {
      const id = `00000000-0000-4000-8000-${String(f * 100 + n).padStart(12, '0')}`;
      const body = { id, payee_bank: 'Harbor Savings', payee_account_no: 10_000_000_000 + n, payment_amount: 100 + n, payment_method: 'ACH', payor_account_no: 100_000 + n, created_at: Date.now() - 60_000 + n };
      const answer = await fetch(`${api.url}${endpoint.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(answer.status).toBe(201);
      sent.set(id, endpoint.format);
    }
  }
  expect(new Set(sent.values())).toEqual(new Set(['JSON', 'AVRO', 'PROTOBUF']));

  const script = parseScript('ksql/payments.sql', readFileSync(join(PROJECT_ROOT, 'ksql', 'payments.sql'), 'utf8'));
  const feeding = script.statements.filter((s) => FEEDING.has(s.name) || s.target === 'PAYMENTS_ALL_FORMATS');
  expect(feeding.map((s) => s.name)).toEqual(['PAYMENTS_JSON', 'PAYMENTS_AVRO', 'PAYMENTS_PROTOBUF', 'PAYMENTS_ALL_FORMATS', 'PAYMENTS_ALL_FORMATS_FROM_AVRO', 'PAYMENTS_ALL_FORMATS_FROM_PROTOBUF']);
  for (const statement of feeding) await execute(statement.statement);

  const rows = new Map<string, string>();
  const consumer = new Kafka({ brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING }).consumer({ groupId: `payments-ksqldb-it-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: ['payments_all_formats'], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const row = JSON.parse(message.value?.toString() ?? '{}') as { ID: string; SOURCE_FORMAT: string };
        rows.set(row.ID, row.SOURCE_FORMAT);
      },
    });
    const deadline = Date.now() + 120_000;
    while (rows.size < sent.size && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1_000));
  } finally {
    await consumer.disconnect();
  }
  const failures = readFileSync(ksqldb.logFile, 'utf8').split('\n').filter((line) => /Failed to deserialize|40403/.test(line));
  expect({ rows: Object.fromEntries(rows), deserializationFailures: failures.slice(0, 3) }).toEqual({ rows: Object.fromEntries(sent), deserializationFailures: [] });
}, 300_000);
