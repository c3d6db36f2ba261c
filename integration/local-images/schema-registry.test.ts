/**
 * lab-local/cp-schema-registry:7.9.9 (Confluent Schema Registry built from public source,
 * scripts/local-images/platform-images.sh) run with the cp-schema-registry environment the stack
 * synthesizes and its memory limit, against real Kafka brokers (integration/support) in place of
 * kafka-1: once on the local lab's plaintext broker, once on a SASL_SSL cluster with a private CA
 * and the stack's ACLs, as kafka.mode=external gives it. The only change to the stack's environment
 * is the broker address (and, for the external cluster, the credentials Terraform would fill in).
 */
import { spawnSync } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { paymentsSchema } from '../../generators/datasets/payments.schema';
import { protoSchemaOf } from '../../generators/formats/protobuf';
import { serviceAclGrants } from '../../platform/service-acls';
import { startKafka, type LocalKafka } from '../support/kafka';
import { randomPassword, startSecureKafka, type SaslUser, type SecureKafka } from '../support/secure-kafka';
import {
  buildPlatformImages, createNetwork, docker, envArgs, LOCAL_IMAGES, publishedAddress, removeQuietly, runHealthCheck,
  serviceSpec, synthWithLocalImages, waitHealthy, type ServiceSpec,
} from './support';

const NAME = `lab-it-registry-${process.pid}`;
const SECURE_NAME = `lab-it-registry-sasl-${process.pid}`;
const NETWORK = `lab-it-registry-net-${process.pid}`;
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

const AVRO = JSON.stringify({ type: 'record', name: 'Rating', fields: [{ name: 'stars', type: 'int' }] });
const JSON_SCHEMA = JSON.stringify({ type: 'object', properties: { stars: { type: 'integer' } }, required: ['stars'] });
/** The payments API's own Protobuf schema: a comment before the message and before every field. */
const PROTOBUF = protoSchemaOf(paymentsSchema);
/** The same schema as a client that re-prints it (ksqlDB's converter) sends it: no comments. */
const PROTOBUF_WITHOUT_COMMENTS = PROTOBUF.split('\n')
  .filter((line) => !line.trim().startsWith('//'))
  .join('\n');

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

async function call(url: string, init?: RequestInit): Promise<Answer> {
  const res = await fetch(url, { ...init, headers: { 'Content-Type': CONTENT_TYPE, Accept: CONTENT_TYPE } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const post = (url: string, body: unknown): Promise<Answer> => call(url, { method: 'POST', body: JSON.stringify(body) });

/** Registers `schema` under `subject`; fails the test with the server's answer when it is refused. */
async function register(url: string, subject: string, schema: string, schemaType?: 'PROTOBUF' | 'JSON'): Promise<number> {
  const answer = await post(`${url}/subjects/${subject}/versions`, { schema, ...(schemaType ? { schemaType } : {}) });
  // The body too: a refusal's error_code and message say why.
  expect(answer).toMatchObject({ status: 200, body: { id: expect.any(Number) } });
  return (answer.body as { id: number }).id;
}

/** Starts the image as the stack declares it, with `env` on top; resolves with its published URL once healthy. */
async function runRegistry(name: string, spec: ServiceSpec, env: Readonly<Record<string, string>>): Promise<string> {
  docker('run', '-d', '--name', name, '--network', NETWORK, '--hostname', 'schema-registry', '-p', '127.0.0.1::8081',
    ...(spec.memoryMb ? ['--memory', `${spec.memoryMb}m`] : []), ...envArgs({ ...spec.env, ...env }), LOCAL_IMAGES.schemaRegistry);
  await waitHealthy(name, spec.healthcheck, 240_000);
  return `http://${publishedAddress(name, 8081)}`;
}

let gateway: string;

beforeAll(async () => {
  await buildPlatformImages('registry');
  gateway = createNetwork(NETWORK);
}, 1_800_000);

afterAll(() => {
  removeQuietly('network', NETWORK);
});

/** Runs the entrypoint with `env` (no broker needed: it stops at its checks), then prints `after`'s output. */
function entrypoint(env: Readonly<Record<string, string>>, after = 'true'): { status: number; output: string } {
  const result = spawnSync('docker', ['run', '--rm', ...envArgs(env), '--entrypoint', 'bash', LOCAL_IMAGES.schemaRegistry, '-c', `/etc/confluent/docker/run; status=$?; ${after}; exit $status`], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

describe("lab-local/cp-schema-registry's entrypoint refuses what upstream refuses, and says how to fix it", () => {
  const minimal = { SCHEMA_REGISTRY_HOST_NAME: 'schema-registry', SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: 'no-such-broker:9092', SCHEMA_REGISTRY_CUB_KAFKA_TIMEOUT: '1' };

  it('without SCHEMA_REGISTRY_HOST_NAME', () => {
    const { SCHEMA_REGISTRY_HOST_NAME: _omitted, ...env } = minimal;
    expect(entrypoint(env)).toMatchObject({ status: 1, output: expect.stringContaining('SCHEMA_REGISTRY_HOST_NAME is not set: set it to') });
  });

  it('with SCHEMA_REGISTRY_PORT', () => {
    expect(entrypoint({ ...minimal, SCHEMA_REGISTRY_PORT: '8081' })).toMatchObject({ status: 1, output: expect.stringContaining('use SCHEMA_REGISTRY_LISTENERS=http://0.0.0.0:<port> instead') });
  });

  it('renders the log4j settings, then names the bootstrap servers that did not answer', () => {
    const { status, output } = entrypoint(
      { ...minimal, SCHEMA_REGISTRY_LOG4J_ROOT_LOGLEVEL: 'WARN', SCHEMA_REGISTRY_LOG4J_LOGGERS: 'org.apache.kafka=ERROR, io.confluent.kafka.schemaregistry=DEBUG' },
      'cat /etc/schema-registry/log4j.properties /etc/schema-registry/schema-registry.properties',
    );
    expect(status).toBe(1);
    expect(output).toContain('SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS=no-such-broker:9092 accepted a connection within 1 s');
    const lines = output.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['log4j.rootLogger=WARN, stdout', 'log4j.logger.org.apache.kafka=ERROR', 'log4j.logger.io.confluent.kafka.schemaregistry=DEBUG', 'host.name=schema-registry']));
    // The log's and the preflight's settings are not server properties.
    expect(lines.filter((line) => /^(log4j\.root\.loglevel|cub\.)/.test(line))).toEqual([]);
  });
});

describe('lab-local/cp-schema-registry on the local lab broker', () => {
  let kafka: LocalKafka;
  let spec: ServiceSpec;
  let url: string;
  const ids: Record<'avro' | 'protobuf' | 'json', number> = { avro: 0, protobuf: 0, json: 0 };

  beforeAll(async () => {
    spec = serviceSpec(synthWithLocalImages({ pipelines: ['payments'] }), 'schema-registry');
    kafka = await startKafka({ containerHost: gateway, autoCreateTopics: false });
    expect(spec.env.SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS).toBe('kafka-1:19092');
    url = await runRegistry(NAME, spec, { SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: kafka.containerBootstrap! });
  }, 600_000);

  afterAll(async () => {
    removeQuietly('container', NAME);
    await kafka?.stop();
  });

  it("passes the stack's health check and rendered the stack's environment as server properties", () => {
    expect(() => runHealthCheck(NAME, spec.healthcheck)).not.toThrow();
    const properties = docker('exec', NAME, 'cat', '/etc/schema-registry/schema-registry.properties').split('\n');
    expect(properties).toEqual(
      expect.arrayContaining([
        'host.name=schema-registry',
        'listeners=http://0.0.0.0:8081',
        `kafkastore.bootstrap.servers=${kafka.containerBootstrap}`,
        `kafkastore.topic.replication.factor=${spec.env.SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR}`,
        `kafkastore.timeout.ms=${spec.env.SCHEMA_REGISTRY_KAFKASTORE_TIMEOUT_MS}`,
      ]),
    );
    // The JVM's settings are not server properties.
    expect(properties.filter((line) => line.startsWith('heap.opts'))).toEqual([]);
    // The heap the stack asked for is the JVM's.
    expect(docker('exec', NAME, 'cat', '/proc/1/cmdline').split('\0')).toEqual(expect.arrayContaining(spec.env.SCHEMA_REGISTRY_HEAP_OPTS.split(' ')));
  });

  it('serves all three schema types and registers Avro, Protobuf with comments and JSON Schema', async () => {
    expect(((await call(`${url}/schemas/types`)).body as string[]).sort()).toEqual(['AVRO', 'JSON', 'PROTOBUF']);
    ids.avro = await register(url, 'ratings-value', AVRO);
    ids.protobuf = await register(url, 'payment_protobuf-value', PROTOBUF, 'PROTOBUF');
    ids.json = await register(url, 'payment_json-value', JSON_SCHEMA, 'JSON');
    expect(new Set(Object.values(ids)).size).toBe(3);

    const avro = (await call(`${url}/schemas/ids/${ids.avro}`)).body as { schema: string };
    expect(JSON.parse(avro.schema)).toEqual(JSON.parse(AVRO));
    const protobuf = (await call(`${url}/schemas/ids/${ids.protobuf}`)).body as { schema: string; schemaType: string };
    expect(protobuf.schemaType).toBe('PROTOBUF');
    expect(protobuf.schema).toContain('message Payments');
    // The same schema again is the same id, as serializers with auto.register.schemas expect.
    expect((await post(`${url}/subjects/ratings-value/versions`, { schema: AVRO })).body).toEqual({ id: ids.avro });
    const missing = await call(`${url}/subjects/no-such-subject/versions/latest`);
    expect(missing).toMatchObject({ status: 404, body: { error_code: 40401 } });
  });

  it('finds the Protobuf schema by its text without comments (the lookup ksqlDB makes, which Apicurio answered 40403)', async () => {
    expect(PROTOBUF_WITHOUT_COMMENTS).not.toContain('//');
    const byText = await post(`${url}/subjects/payment_protobuf-value`, { schema: PROTOBUF_WITHOUT_COMMENTS, schemaType: 'PROTOBUF' });
    expect(byText).toMatchObject({ status: 200, body: { id: ids.protobuf, version: 1, subject: 'payment_protobuf-value' } });
    // And by the text the registry itself hands out for the id, which a converter parses and prints again.
    const stored = ((await call(`${url}/schemas/ids/${ids.protobuf}`)).body as { schema: string }).schema;
    const byStored = await post(`${url}/subjects/payment_protobuf-value`, { schema: stored, schemaType: 'PROTOBUF' });
    expect(byStored).toMatchObject({ status: 200, body: { id: ids.protobuf } });
    // A different message is not found: the lookup compares, it does not accept anything.
    const other = await post(`${url}/subjects/payment_protobuf-value`, { schema: PROTOBUF_WITHOUT_COMMENTS.replace('string id = 1;', 'string uuid = 1;'), schemaType: 'PROTOBUF' });
    expect(other).toMatchObject({ status: 404, body: { error_code: 40403 } });
  });

  it('keeps its schemas in the _schemas topic: a restarted container serves them all', async () => {
    const admin = new Kafka({ brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toContain('_schemas');
    } finally {
      await admin.disconnect();
    }
    docker('restart', NAME);
    await waitHealthy(NAME, spec.healthcheck, 240_000);
    url = `http://${publishedAddress(NAME, 8081)}`;
    expect(((await call(`${url}/subjects`)).body as string[]).sort()).toEqual(['payment_json-value', 'payment_protobuf-value', 'ratings-value']);
    expect((await call(`${url}/schemas/ids/${ids.protobuf}`)).status).toBe(200);
  }, 600_000);
});

describe('lab-local/cp-schema-registry on a SASL_SSL cluster (kafka.mode=external)', () => {
  const PREFIX = 'it.registry.';
  const services: SaslUser = { username: 'lab-services', password: randomPassword() };
  let broker: SecureKafka;
  let spec: ServiceSpec;
  let url: string;

  beforeAll(async () => {
    broker = await startSecureKafka({ containerHost: gateway });
    await broker.createScramUser(services);
    // Only the stack's ACLs: the registry must manage with what an administrator grants the lab.
    await broker.grantAcls(`User:${services.username}`, serviceAclGrants(PREFIX));
    const tf = synthWithLocalImages({
      pipelines: ['payments'],
      kafka: {
        mode: 'external',
        topicPrefix: PREFIX,
        external: { bootstrapServers: 'kafka.example.internal:9096', securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', caCert: broker.tls.caPem, manageAcls: true, replicationFactor: 1 },
      },
    });
    const declared = serviceSpec(tf, 'schema-registry');
    // What Terraform fills in from TF_VAR_kafka_sasl_username / _password at apply.
    const env = Object.fromEntries(
      Object.entries(declared.env).map(([name, value]) => [name, value.replace('${var.kafka_sasl_username}', services.username).replace('${var.kafka_sasl_password}', services.password)]),
    );
    spec = { ...declared, env };
    expect(env).toMatchObject({
      SCHEMA_REGISTRY_KAFKASTORE_SECURITY_PROTOCOL: 'SASL_SSL',
      SCHEMA_REGISTRY_KAFKASTORE_SASL_MECHANISM: 'SCRAM-SHA-512',
      SCHEMA_REGISTRY_KAFKASTORE_SSL_TRUSTSTORE_TYPE: 'PEM',
      SCHEMA_REGISTRY_KAFKASTORE_TOPIC: `${PREFIX}_schemas`,
    });
    url = await runRegistry(SECURE_NAME, spec, { SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: broker.containerBootstrap! });
  }, 600_000);

  afterAll(async () => {
    removeQuietly('container', SECURE_NAME);
    await broker?.stop();
  });

  it('stores under the prefix with the services login and registers and finds a Protobuf schema', async () => {
    const id = await register(url, `${PREFIX}payment_protobuf-value`, PROTOBUF, 'PROTOBUF');
    const byText = await post(`${url}/subjects/${PREFIX}payment_protobuf-value`, { schema: PROTOBUF_WITHOUT_COMMENTS, schemaType: 'PROTOBUF' });
    expect(byText).toMatchObject({ status: 200, body: { id } });
    const admin = broker.superAdmin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      expect(topics).toContain(`${PREFIX}_schemas`);
      expect(topics).not.toContain('_schemas');
    } finally {
      await admin.disconnect();
    }
    // The password reached the JVM only through the rendered properties, never the log.
    expect(docker('logs', SECURE_NAME)).not.toContain(services.password);
  });
});
