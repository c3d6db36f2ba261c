/**
 * lab-local/apicurio-registry:3.0.9 (Apicurio Registry, scripts/local-images/platform-images.sh)
 * run with the cp-schema-registry environment the stack synthesizes, its memory limit, and a real
 * Kafka broker (integration/support/kafka.ts) in place of kafka-1. The stack's health check must
 * pass inside the container, a schema registered through the Confluent paths at the root must be
 * fetched back by id and subject, and it must survive a restart (it is stored in Kafka).
 */
import { Kafka, logLevel } from 'kafkajs';
import { startKafka, type LocalKafka } from '../support/kafka';
import {
  buildPlatformImages, createNetwork, docker, envArgs, LOCAL_IMAGES, publishedAddress, removeQuietly, runHealthCheck,
  serviceSpec, synthWithLocalImages, waitHealthy, type ServiceSpec,
} from './support';

const NAME = `lab-it-registry-${process.pid}`;
const NETWORK = `lab-it-registry-net-${process.pid}`;
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const SCHEMA = JSON.stringify({ type: 'record', name: 'Rating', fields: [{ name: 'stars', type: 'int' }] });

async function call(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { ...init, headers: { 'Content-Type': CONTENT_TYPE, Accept: CONTENT_TYPE } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('lab-local/apicurio-registry under the stack', () => {
  let kafka: LocalKafka;
  let spec: ServiceSpec;
  let url: string;

  beforeAll(async () => {
    await buildPlatformImages('registry');
    spec = serviceSpec(synthWithLocalImages({ pipelines: ['ratings'] }), 'schema-registry');
    const gateway = createNetwork(NETWORK);
    kafka = await startKafka({ containerHost: gateway, autoCreateTopics: false });
    // The only change to the stack's environment: the broker's address as the container reaches it.
    expect(spec.env.SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS).toBe('kafka-1:19092');
    const env = { ...spec.env, SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: kafka.containerBootstrap! };
    docker('run', '-d', '--name', NAME, '--network', NETWORK, '--hostname', 'schema-registry', '-p', '127.0.0.1::8081',
      ...(spec.memoryMb ? ['--memory', `${spec.memoryMb}m`] : []), ...envArgs(env), LOCAL_IMAGES.schemaRegistry);
    await waitHealthy(NAME, spec.healthcheck, 240_000);
    url = `http://${publishedAddress(NAME, 8081)}`;
  }, 1_800_000);

  afterAll(async () => {
    removeQuietly('container', NAME);
    removeQuietly('network', NETWORK);
    await kafka?.stop();
  });

  it("passes the stack's health check and says it stores in Kafka", () => {
    expect(() => runHealthCheck(NAME, spec.healthcheck)).not.toThrow();
    expect(docker('logs', NAME)).toContain(`storage: Kafka (kafkasql) at ${kafka.containerBootstrap}`);
  });

  it('registers and fetches a schema through the Confluent paths at the root', async () => {
    const registered = await call(`${url}/subjects/ratings-value/versions`, { method: 'POST', body: JSON.stringify({ schema: SCHEMA }) });
    expect(registered.status).toBe(200);
    const { id } = registered.body as { id: number };
    expect(typeof id).toBe('number');

    const byId = await call(`${url}/schemas/ids/${id}`);
    expect(byId.status).toBe(200);
    expect(JSON.parse((byId.body as { schema: string }).schema)).toEqual(JSON.parse(SCHEMA));
    expect((await call(`${url}/subjects`)).body).toContain('ratings-value');
    const latest = (await call(`${url}/subjects/ratings-value/versions/latest`)).body as { id: number; version: number; subject: string };
    expect(latest).toMatchObject({ id, version: 1, subject: 'ratings-value' });
    // The same schema again is the same id, as serializers with auto.register.schemas expect.
    expect((await call(`${url}/subjects/ratings-value/versions`, { method: 'POST', body: JSON.stringify({ schema: SCHEMA }) })).body).toEqual({ id });
    // An unknown subject answers Confluent's 404 shape.
    const missing = await call(`${url}/subjects/no-such-subject/versions/latest`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error_code: 40401 });
  });

  it("keeps its schemas in Kafka: the journal topic exists and a restarted container still serves them", async () => {
    const admin = new Kafka({ brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      expect(topics).toContain('_schemas_apicurio_journal');
      // Every topic it touches is named after the journal (so a topic prefix covers them all).
      expect(topics).toContain('_schemas_apicurio_events');
      expect(topics).not.toContain('registry-events');
    } finally {
      await admin.disconnect();
    }
    docker('restart', NAME);
    await waitHealthy(NAME, spec.healthcheck, 240_000);
    url = `http://${publishedAddress(NAME, 8081)}`;
    expect((await call(`${url}/subjects`)).body).toContain('ratings-value');
  }, 600_000);
});
