import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { DEBEZIUM_MARIADB_CONNECTOR_CLASS, type LocalConnect, startConnect } from './connect';
import { type LocalKafka, startKafka } from './kafka';
import { waitUntil } from './ports';

interface ConnectorPlugin {
  readonly class: string;
  readonly type: string;
  readonly version: string;
}

interface ConfigValidation {
  readonly name: string;
  readonly error_count: number;
  readonly configs: readonly { readonly value: { readonly name: string; readonly errors: readonly string[] } }[];
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

describe('local Kafka Connect worker (distributed) with the Debezium MariaDB plugin', () => {
  let kafka: LocalKafka;
  let connect: LocalConnect;

  beforeAll(async () => {
    kafka = await startKafka();
    connect = await startConnect(kafka);
  });

  afterAll(async () => {
    await connect?.stop();
    await kafka?.stop();
  });

  it('lists the Debezium MariaDB source connector at the version the stack deploys', async () => {
    const plugins = await getJson<ConnectorPlugin[]>(`${connect.url}/connector-plugins`);
    expect(plugins).toContainEqual({ class: DEBEZIUM_MARIADB_CONNECTOR_CLASS, type: 'source', version: '3.1.0.Final' });
  });

  it('loads the connector class: config validation reports the missing connection settings by name', async () => {
    const validation = await getJson<ConfigValidation>(`${connect.url}/connector-plugins/MariaDbConnector/config/validate`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ 'connector.class': DEBEZIUM_MARIADB_CONNECTOR_CLASS, 'topic.prefix': 'moodle' }),
    });
    expect(validation.name).toBe(DEBEZIUM_MARIADB_CONNECTOR_CLASS);
    const withErrors = validation.configs.filter((config) => config.value.errors.length > 0).map((config) => config.value.name);
    expect(withErrors).toEqual(expect.arrayContaining(['database.hostname', 'database.user']));
  });

  it('writes plain JSON values (no schema envelope) and creates the topic itself on a broker without auto-create', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lab-connect-test-')), 'lines.txt');
    writeFileSync(file, '{"a":1}\n{"a":2}\n');
    const topic = 'file-lines';
    const response = await fetch(`${connect.url}/connectors/file-lines/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
        file,
        topic,
        'tasks.max': '1',
        'topic.creation.default.partitions': '1',
        'topic.creation.default.replication.factor': '1',
      }),
    });
    expect(response.status).toBe(201);

    const consumer = new Kafka({ clientId: 'connect-test', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING }).consumer({
      groupId: 'connect-test',
    });
    const values: string[] = [];
    await consumer.connect();
    try {
      // The topic exists only once the task has produced; subscribing earlier fails with an unknown topic.
      await waitUntil(
        async () => (await listTopics(kafka.bootstrap)).includes(topic),
        { what: `topic ${topic} created by the FileStreamSource task`, timeoutMs: 60_000 },
      );
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value?.toString() ?? '') });
      await waitUntil(async () => values.length >= 2, { what: `two records on ${topic}`, timeoutMs: 60_000 });
    } finally {
      await consumer.disconnect();
    }
    // The JsonConverter serialises each line as a JSON string; with schemas.enable=false there is no envelope.
    expect(values).toEqual([JSON.stringify('{"a":1}'), JSON.stringify('{"a":2}')]);
  });
});

async function listTopics(bootstrap: string): Promise<string[]> {
  const admin = new Kafka({ clientId: 'connect-test-admin', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}
