/**
 * lab-local/cp-kafka-connect:7.9.11 (scripts/local-images/platform-images.sh) as the base of the
 * stack's own Connect image: docker/connect/Dockerfile is built on it unchanged, with the build
 * command the stack synthesizes (the Elasticsearch sink from the image's confluent-hub STAND-IN, the
 * Debezium MariaDB plugin from Maven Central). The container then runs with the synthesized
 * environment and memory limit against a real Kafka broker (integration/support/kafka.ts) in place
 * of kafka-1. The stack's health check must pass, both plugins must be listed, and the stack's own
 * config of one ratings sink, applied by the stack's applier, must reach RUNNING and bulk-write a
 * produced record to a small HTTP server standing where Elasticsearch would be.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { opsCommand } from '../../constructs/rest-object';
import { ELASTICSEARCH_SINK_CLASS } from '../../payloads/elasticsearch-sinks';
import { resourcesOf } from '../../__tests__/support/synth';
import { startKafka, type LocalKafka } from '../support/kafka';
import { waitUntil } from '../support/ports';
import {
  buildPlatformImages, createNetwork, docker, envArgs, publishedAddress, removeQuietly, ROOT, runHealthCheck,
  serviceSpec, synthWithLocalImages, waitHealthy, type ServiceSpec,
} from './support';

const run = promisify(execFile);
const NAME = `lab-it-connect-${process.pid}`;
const NETWORK = `lab-it-connect-net-${process.pid}`;
const DEBEZIUM_CLASS = 'io.debezium.connector.mariadb.MariaDbConnector';

interface BulkRequest {
  readonly lines: unknown[];
}

/** Answers _bulk as Elasticsearch does (every item created) and records what it was sent. */
function startBulkRecorder(host: string): Promise<{ server: Server; port: number; requests: BulkRequest[] }> {
  const requests: BulkRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/_bulk') {
        const lines = body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
        requests.push({ lines });
        const items = lines.filter((_, i) => i % 2 === 0).map(() => ({ index: { status: 201, result: 'created' } }));
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Elastic-Product': 'Elasticsearch' });
        res.end(JSON.stringify({ took: 1, errors: false, items }));
        return;
      }
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"error":"only POST /_bulk is recorded here"}');
    });
  });
  return new Promise((resolvePromise) =>
    server.listen(0, host, () => resolvePromise({ server, port: (server.address() as { port: number }).port, requests })),
  );
}

describe('lab-local/cp-kafka-connect as the base of the stack Connect image', () => {
  let kafka: LocalKafka;
  let spec: ServiceSpec;
  let url: string;
  let recorder: Awaited<ReturnType<typeof startBulkRecorder>>;
  let sink: { name: string; config: Record<string, string> };
  let image: string;
  /** This machine's address on the test network, where the broker's second listener and the recorder are. */
  let gateway: string;

  beforeAll(async () => {
    await buildPlatformImages('connect');
    const tf = synthWithLocalImages({ pipelines: ['ratings'] });
    // The stack's own build of its Connect image, on the local base, exactly as synthesized.
    const build = resourcesOf(tf, 'terraform_data').build_connect as {
      input: { image: string };
      provisioner: Array<{ 'local-exec': { command: string } }>;
    };
    const command = build.provisioner[0]['local-exec'].command;
    expect(command).toContain("'BASE_IMAGE=lab-local/cp-kafka-connect:7.9.11'");
    image = build.input.image;
    await run('sh', ['-c', command], { cwd: ROOT, timeout: 1_200_000, env: { ...process.env, DOCKER_BUILDKIT: '0' } });

    spec = serviceSpec(tf, 'connect', { 'mariadb-cdc-password': 'CdcPw3test' });
    const [sinkAddress, sinkResource] = Object.entries(resourcesOf(tf, 'terraform_data')).find(([address]) => address.startsWith('connect_es-sink-'))!;
    expect(sinkAddress).toBeDefined();
    sink = JSON.parse((sinkResource.input as { spec: string }).spec) as typeof sink;

    gateway = createNetwork(NETWORK);
    kafka = await startKafka({ containerHost: gateway });
    recorder = await startBulkRecorder(gateway);
    expect(spec.env.CONNECT_BOOTSTRAP_SERVERS).toBe('kafka-1:19092');
    const env = { ...spec.env, CONNECT_BOOTSTRAP_SERVERS: kafka.containerBootstrap!, CONNECT_OFFSET_STORAGE_PARTITIONS: '1', CONNECT_STATUS_STORAGE_PARTITIONS: '1' };
    docker('run', '-d', '--name', NAME, '--network', NETWORK, '--hostname', 'connect', '-p', '127.0.0.1::8083',
      ...(spec.memoryMb ? ['--memory', `${spec.memoryMb}m`] : []), ...envArgs(env), image);
    await waitHealthy(NAME, spec.healthcheck, 420_000);
    url = `http://${publishedAddress(NAME, 8083)}`;
  }, 2_400_000);

  afterAll(async () => {
    removeQuietly('container', NAME);
    removeQuietly('network', NETWORK);
    recorder?.server.close();
    await kafka?.stop();
  });

  it("passes the stack's health check and runs as appuser", () => {
    expect(() => runHealthCheck(NAME, spec.healthcheck)).not.toThrow();
    expect(docker('exec', NAME, 'id', '-un')).toBe('appuser');
  });

  it('lists the Debezium MariaDB connector and the Elasticsearch sink STAND-IN', async () => {
    const plugins = (await (await fetch(`${url}/connector-plugins`)).json()) as Array<{ class: string; version: string }>;
    expect(plugins.find((p) => p.class === DEBEZIUM_CLASS)?.version).toBe('3.1.0.Final');
    expect(plugins.find((p) => p.class === ELASTICSEARCH_SINK_CLASS)?.version).toBe('16.0.1-standin');
  });

  it("refuses a value outside the real connector's documented set", async () => {
    const res = await fetch(`${url}/connector-plugins/ElasticsearchSinkConnector/config/validate`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...sink.config, name: sink.name, 'behavior.on.null.values': 'bogus', 'batch.size': '0' }),
    });
    const body = (await res.json()) as { error_count: number; configs: Array<{ value: { name: string; errors: string[] } }> };
    const errors = Object.fromEntries(body.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.value.name, c.value.errors.join(' ')]));
    expect(errors['behavior.on.null.values']).toContain('ignore, delete, fail');
    expect(errors['batch.size']).toMatch(/at least 1/);
    expect(Object.keys(errors)).toHaveLength(2);
  });

  it("runs the stack's config of a ratings sink and bulk-writes a produced record", async () => {
    const topic = sink.config.topics;
    const client = new Kafka({ brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING });
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();

    // The one change to the stack's config: Elasticsearch's address becomes the recorder's.
    const config = { ...sink.config, 'connection.url': `http://${gateway}:${recorder.port}` };
    await run('sh', ['-c', opsCommand('connect', 'apply')], {
      cwd: ROOT,
      env: { ...process.env, OBJECT_ENDPOINT: url, OBJECT_SPEC: JSON.stringify({ name: sink.name, config }) },
      timeout: 300_000,
    });
    const status = (await (await fetch(`${url}/connectors/${sink.name}/status`)).json()) as { connector: { state: string }; tasks: Array<{ state: string }> };
    expect(status.connector.state).toBe('RUNNING');
    expect(status.tasks.map((t) => t.state)).toEqual(['RUNNING']);

    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k1', value: JSON.stringify({ RATING_ID: 7, STARS: 1, CHANNEL: 'it' }) }] });
    await producer.disconnect();

    await waitUntil(async () => recorder.requests.length > 0, { what: `a _bulk request from ${sink.name}`, timeoutMs: 120_000, describe: () => docker('logs', '--tail', '30', NAME) });
    const [action, document] = recorder.requests[0].lines as [Record<string, Record<string, unknown>>, unknown];
    const verb = Object.keys(action)[0];
    expect(action[verb]._index).toBe(sink.config['transforms.toIndex.replacement']);
    if (sink.config['key.ignore'] === 'true') expect(action[verb]._id).toBe(`${sink.config['transforms.toIndex.replacement']}+0+0`);
    expect(document).toEqual({ RATING_ID: 7, STARS: 1, CHANNEL: 'it' });
    // The sink that wrote it says it is a stand-in, in Connect's plugin list and in the worker's log
    // (log4j's console appender: both of the container's streams).
    const plugins = (await (await fetch(`${url}/connector-plugins`)).json()) as Array<{ class: string; version: string }>;
    expect(plugins.find((p) => p.class === sink.config['connector.class'])?.version).toMatch(/-standin$/);
    const { stdout } = await run('sh', ['-c', `docker logs ${NAME} 2>&1`], { maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).toContain('Elasticsearch sink task STAND-IN');
  }, 600_000);
});
