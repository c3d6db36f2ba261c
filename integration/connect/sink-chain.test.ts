/**
 * The record handling of the Elasticsearch sink configs on a real Connect 3.9.1 worker: converters,
 * Cast$Key and RegexRouter over ksqlDB-style binary windowed keys and tombstones, ReplaceField
 * renaming a generator's fields to the columns of a declared source stream. The Confluent
 * Elasticsearch sink itself cannot be installed here (not on a reachable registry), so Kafka's
 * FileStreamSinkConnector stands in for the connector class; every other setting is the generated one.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ConnectApplier } from '../../ops/connect/applier';
import { loadPipelineScript } from '../../pipelines/scripts';
import { PIPELINES } from '../../pipelines/catalog';
import { elasticsearchSinkConnector, resolveSinkTargets, type SinkTarget } from '../../payloads/elasticsearch-sinks';
import { type LocalConnect, startConnect } from '../support/connect';
import { type LocalKafka, startKafka } from '../support/kafka';
import { waitUntil } from '../support/ports';

/** Settings only the Elasticsearch sink knows; Connect passes unknown keys to the connector, which ignores them. */
const ELASTICSEARCH_ONLY = ['connection.url', 'key.ignore', 'schema.ignore', 'write.method', 'behavior.on.null.values', 'behavior.on.malformed.documents'];

/** A ksqlDB time-windowed key: the serialized group key, then the window start as 8 big-endian bytes. */
function windowedKey(group: string, windowStart: number): Buffer {
  const start = Buffer.alloc(8);
  start.writeBigInt64BE(BigInt(windowStart));
  return Buffer.concat([Buffer.from(group, 'utf8'), start]);
}

describe('Elasticsearch sink record handling on a real Connect worker (FileStreamSink in place of the sink class)', () => {
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

  it('converts binary windowed keys and tombstones of a table without failing the task', async () => {
    const target: SinkTarget = {
      pipeline: 'server-logs',
      object: 'SERVER_ERROR_ANOMALIES',
      kind: 'TABLE',
      topic: 'SERVER_ERROR_ANOMALIES',
      index: 'server_error_anomalies',
      valueFormat: 'JSON',
      id: 'key-bytes',
      renames: [],
    };
    const generated = elasticsearchSinkConnector(target, { elasticsearchUrl: 'http://elasticsearch:9200' });
    expect(generated.config.transforms).toBe('keyToId,toIndex');
    const file = join(mkdtempSync(join(tmpdir(), 'lab-sink-chain-')), 'documents.txt');
    const config = Object.fromEntries(Object.entries(generated.config).filter(([key]) => !ELASTICSEARCH_ONLY.includes(key)));
    const spec = {
      name: generated.name,
      config: { ...config, 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', file },
    };

    const client = new Kafka({ clientId: 'sink-chain', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING });
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: target.topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = client.producer();
    await producer.connect();
    const window = 1_700_000_040_000;
    // Bytes that are not UTF-8 and not JSON: a string or JSON key converter would fail the task on them.
    await producer.send({
      topic: target.topic,
      messages: [
        { key: windowedKey('host-1', window), value: JSON.stringify({ HOST: 'host-1', WINDOW_START: window, ERRORS: 5 }) },
        { key: windowedKey('host-1', window + 60_000), value: JSON.stringify({ HOST: 'host-1', WINDOW_START: window + 60_000, ERRORS: 7 }) },
        { key: windowedKey('host-1', window), value: null },
      ],
    });
    await producer.disconnect();

    const applier = new ConnectApplier(connect.url, { settleMs: 2_000, log: () => undefined });
    await expect(applier.apply(spec)).resolves.toBe('created');
    await waitUntil(async () => existsSync(file) && readFileSync(file, 'utf8').trim().split('\n').length === 3, {
      what: `3 records written by ${spec.name}`,
      timeoutMs: 60_000,
      describe: () => (existsSync(file) ? readFileSync(file, 'utf8') : 'no file yet'),
    });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toContain('ERRORS=5');
    expect(lines[1]).toContain('ERRORS=7');
    expect(lines[2]).toBe('null');
    // Still running after every record went through the converters and transforms.
    const status = await applier.waitUntilRunning(spec.name);
    expect(status.tasks.map((t) => t.state)).toEqual(['RUNNING']);
    await applier.delete(spec.name);
  });
  it("renames a declared source stream's fields to its columns, as the dashboards query them (moodle predictions)", async () => {
    const moodle = PIPELINES.moodle;
    const target = resolveSinkTargets(moodle, loadPipelineScript(moodle).statements).find((t) => t.object === 'MOODLE_PREDICTIONS');
    expect(target?.renames).toEqual([['userid', 'USERID'], ['prediction', 'PREDICTION'], ['created_date', 'CREATED_DATE']]);
    const generated = elasticsearchSinkConnector(target!, { elasticsearchUrl: 'http://elasticsearch:9200' });
    const file = join(mkdtempSync(join(tmpdir(), 'lab-sink-renames-')), 'documents.txt');
    const config = Object.fromEntries(Object.entries(generated.config).filter(([key]) => !ELASTICSEARCH_ONLY.includes(key)));
    const spec = { name: generated.name, config: { ...config, 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', file } };

    const client = new Kafka({ clientId: 'sink-renames', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING });
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: target!.topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = client.producer();
    await producer.connect();
    // As the moodle_predictions generator writes them (generators/datasets/moodle_predictions.schema.ts).
    await producer.send({ topic: target!.topic, messages: [{ key: '7', value: JSON.stringify({ userid: 7, prediction: 0.82, created_date: 1_700_000_000_000 }) }] });
    await producer.disconnect();

    const applier = new ConnectApplier(connect.url, { settleMs: 2_000, log: () => undefined });
    await expect(applier.apply(spec)).resolves.toBe('created');
    await waitUntil(async () => existsSync(file) && readFileSync(file, 'utf8').trim().length > 0, {
      what: `1 record written by ${spec.name}`,
      timeoutMs: 60_000,
      describe: () => (existsSync(file) ? readFileSync(file, 'utf8') : 'no file yet'),
    });
    const line = readFileSync(file, 'utf8').trim();
    expect(line).toContain('USERID=7');
    expect(line).toContain('PREDICTION=0.82');
    expect(line).toContain('CREATED_DATE=1700000000000');
    expect(line).not.toMatch(/userid|prediction|created_date/);
    await applier.delete(spec.name);
  });
});
