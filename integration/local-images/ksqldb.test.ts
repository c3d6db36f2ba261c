/**
 * lab-local/cp-ksqldb-server:7.9.9 (the real ksqlDB 7.9.9, scripts/local-images/platform-images.sh)
 * run with the environment and memory limit the stack synthesizes for its ksqldb container, against a
 * real Kafka broker (integration/support/kafka.ts) in place of kafka-1. The stack's health check must
 * pass inside the container, the server must run with the properties the image renders from the
 * KSQL_* variables, and its processing log must reach the topic the stack names: a value that is
 * not JSON, read by a JSON stream, must show up there as ksqlDB's deserialization error.
 */
import { Kafka, logLevel } from 'kafkajs';
import { startKafka, type LocalKafka } from '../support/kafka';
import { waitUntil } from '../support/ports';
import {
  buildPlatformImages, createNetwork, docker, envArgs, LOCAL_IMAGES, publishedAddress, removeQuietly, runHealthCheck,
  serviceSpec, synthWithLocalImages, waitHealthy, type ServiceSpec,
} from './support';

const NAME = `lab-it-ksqldb-${process.pid}`;
const NETWORK = `lab-it-ksqldb-net-${process.pid}`;
const SOURCE_TOPIC = 'it_ratings_raw';

async function ksql(url: string, statement: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/ksql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.ksql.v1+json', Accept: 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: statement, streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' } }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('lab-local/cp-ksqldb-server under the stack', () => {
  let kafka: LocalKafka;
  let spec: ServiceSpec;
  let url: string;

  beforeAll(async () => {
    await buildPlatformImages('ksqldb');
    spec = serviceSpec(synthWithLocalImages({ pipelines: ['ratings'] }), 'ksqldb');
    const gateway = createNetwork(NETWORK);
    kafka = await startKafka({ containerHost: gateway, autoCreateTopics: false });
    // The only changes to the stack's environment: the broker's address as the container reaches it.
    expect(spec.env.KSQL_BOOTSTRAP_SERVERS).toBe('kafka-1:19092');
    expect(spec.env.KSQL_LOG4J_PROCESSING_LOG_BROKERLIST).toBe('kafka-1:19092');
    const env = { ...spec.env, KSQL_BOOTSTRAP_SERVERS: kafka.containerBootstrap!, KSQL_LOG4J_PROCESSING_LOG_BROKERLIST: kafka.containerBootstrap! };
    docker('run', '-d', '--name', NAME, '--network', NETWORK, '--hostname', 'ksqldb', '-p', '127.0.0.1::8088',
      ...(spec.memoryMb ? ['--memory', `${spec.memoryMb}m`] : []), ...envArgs(env), LOCAL_IMAGES.ksqldb);
    await waitHealthy(NAME, spec.healthcheck, 300_000);
    url = `http://${publishedAddress(NAME, 8088)}`;
  }, 1_800_000);

  afterAll(async () => {
    removeQuietly('container', NAME);
    removeQuietly('network', NETWORK);
    await kafka?.stop();
  });

  it("passes the stack's health check, runs as appuser and reports ksqlDB 7.9.9 under the stack's service id", async () => {
    expect(() => runHealthCheck(NAME, spec.healthcheck)).not.toThrow();
    expect(docker('exec', NAME, 'id', '-un')).toBe('appuser');
    const info = (await (await fetch(`${url}/info`)).json()) as { KsqlServerInfo: { version: string; ksqlServiceId: string; serverStatus: string } };
    expect(info.KsqlServerInfo).toMatchObject({ version: '7.9.9', ksqlServiceId: spec.env.KSQL_KSQL_SERVICE_ID, serverStatus: 'RUNNING' });
  });

  it('renders the KSQL_* variables as server properties, with the version check always off', () => {
    const properties = docker('exec', NAME, 'cat', '/etc/ksqldb/ksqldb-server.properties').split('\n');
    expect(properties).toContain(`ksql.service.id=${spec.env.KSQL_KSQL_SERVICE_ID}`);
    expect(properties).toContain('ksql.streams.num.stream.threads=1');
    expect(properties).toContain('confluent.support.metrics.enable=false');
    // The launcher's and log4j's variables are not server properties.
    expect(properties.filter((p) => /^(heap\.opts|log4j\.)/.test(p))).toEqual([]);
    const jvm = docker('exec', NAME, 'cat', '/proc/1/cmdline').split('\0');
    expect(jvm).toEqual(expect.arrayContaining(spec.env.KSQL_HEAP_OPTS.split(' ')));
  });

  it('writes a record it cannot deserialize to the processing-log topic the stack names', async () => {
    const topic = spec.env.KSQL_LOG4J_PROCESSING_LOG_TOPIC;
    expect(topic).toBe(spec.env.KSQL_KSQL_LOGGING_PROCESSING_TOPIC_NAME);
    const client = new Kafka({ brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING });
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: SOURCE_TOPIC, numPartitions: 1, replicationFactor: 1 }] });
    await admin.disconnect();
    const created = await ksql(url, `CREATE STREAM it_ratings (rating_id BIGINT, stars INT) WITH (KAFKA_TOPIC='${SOURCE_TOPIC}', VALUE_FORMAT='JSON');`);
    expect(created.status).toBe(200);
    const query = await ksql(url, 'CREATE STREAM it_good_ratings AS SELECT * FROM it_ratings WHERE stars >= 3 EMIT CHANGES;');
    expect(query.status).toBe(200);

    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic: SOURCE_TOPIC, messages: [{ value: 'this is not json' }, { value: JSON.stringify({ rating_id: 1, stars: 4 }) }] });
    await producer.disconnect();

    const consumer = client.consumer({ groupId: `it-processing-log-${process.pid}` });
    const entries: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void entries.push(message.value?.toString('utf8') ?? '') });
    try {
      await waitUntil(async () => entries.some((e) => e.includes(SOURCE_TOPIC)), {
        timeoutMs: 180_000,
        what: `a processing-log record about ${SOURCE_TOPIC} in ${topic}`,
        describe: () => `${entries.length} record(s) in ${topic}; ksqlDB's log ends:\n${docker('logs', '--tail', '20', NAME)}`,
      });
    } finally {
      await consumer.disconnect();
    }
    const entry = JSON.parse(entries.find((e) => e.includes(SOURCE_TOPIC))!) as { level: string; message: { type: number; deserializationError?: { errorMessage: string; topic: string } } };
    expect(entry.level).toBe('ERROR');
    expect(entry.message.deserializationError).toMatchObject({ topic: SOURCE_TOPIC });
    expect(entry.message.deserializationError!.errorMessage).toMatch(/deserialize/i);
  }, 300_000);
});
