/**
 * The Connect applier against a fake worker that follows Kafka Connect's documented REST shapes.
 * The fake stands in for the stack's Connect image with the Confluent Elasticsearch sink, which
 * cannot run here; integration/connect/ runs the same applier against a real worker.
 */
import { ConnectApplier, type ConnectApplierOptions } from '../../ops/connect/applier';
import { validateConnectorSpec, type ConnectorSpec } from '../../ops/connect/rest';
import { applyFailure } from '../support/ops-cli';
import { FakeConnect, running, withState } from './fake-connect';

const FAST: Partial<ConnectApplierOptions> = {
  workerTimeoutMs: 2_000,
  runningTimeoutMs: 2_000,
  settleMs: 30,
  pollMs: 10,
  requestTimeoutMs: 1_000,
};

const SPEC: ConnectorSpec = {
  name: 'es-sink-ratings_per_product',
  config: { 'connector.class': 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector', topics: 'RATINGS_PER_PRODUCT', 'tasks.max': '1' },
};

describe('ConnectApplier', () => {
  let fake: FakeConnect;
  let url: string;
  let logs: string[];
  const applier = (options: Partial<ConnectApplierOptions> = {}): ConnectApplier =>
    new ConnectApplier(url, { ...FAST, log: (line) => logs.push(line), ...options });

  beforeEach(async () => {
    fake = new FakeConnect();
    url = await fake.start();
    logs = [];
  });
  afterEach(() => fake.stop());

  it('creates a connector with PUT /connectors/{name}/config and waits until connector and tasks are RUNNING', async () => {
    await expect(applier().apply(SPEC)).resolves.toBe('created');
    const puts = fake.requestsTo('PUT', '/connectors/');
    expect(puts).toHaveLength(1);
    expect(puts[0].path).toBe('/connectors/es-sink-ratings_per_product/config');
    expect(puts[0].body).toEqual({ ...SPEC.config, name: SPEC.name });
    // The fake reports 404, then UNASSIGNED without tasks, then RUNNING: all three were polled.
    expect(fake.requestsTo('GET', '/connectors/es-sink-ratings_per_product/status').length).toBeGreaterThanOrEqual(3);
    expect(logs.join('\n')).toMatch(/"es-sink-ratings_per_product" is running \(connector RUNNING, task 0 RUNNING\)/);
  });

  it('is idempotent: an identical stored config is not PUT again', async () => {
    await applier().apply(SPEC);
    await expect(applier().apply(SPEC)).resolves.toBe('unchanged');
    expect(fake.requestsTo('PUT', '/connectors/')).toHaveLength(1);
  });

  it('updates a connector whose config changed', async () => {
    await applier().apply(SPEC);
    const changed = { ...SPEC, config: { ...SPEC.config, 'batch.size': '500' } };
    await expect(applier().apply(changed)).resolves.toBe('updated');
    expect(fake.connectors.get(SPEC.name)?.config['batch.size']).toBe('500');
  });

  it('retries a PUT that Connect answers 409 during a rebalance', async () => {
    fake.rebalancingPuts = 2;
    await expect(applier().apply(SPEC)).resolves.toBe('created');
    expect(fake.requestsTo('PUT', '/connectors/')).toHaveLength(3);
  });

  it('retries a read that Connect answers 500 "a rebalance is expected" (connectors created at once on a slow cluster)', async () => {
    fake.rebalanceExpectedReads = 2;
    await expect(applier().apply(SPEC)).resolves.toBe('created');
    expect(fake.requestsTo('GET', `/connectors/${SPEC.name}/config`)).toHaveLength(3);
  });

  it('waits for a worker that is not up yet', async () => {
    fake.workerStartup = ['down', 'down', 503];
    await expect(applier().apply(SPEC)).resolves.toBe('created');
    expect(fake.requestsTo('GET', '/').filter((r) => r.path === '/')).toHaveLength(4);
  });

  it('fails with a clear error, naming the connector and the setting to raise, when the worker never answers', async () => {
    await fake.stop();
    const error = await applyFailure(applier({ workerTimeoutMs: 100 }).apply(SPEC));
    expect(error.message).toMatch(
      new RegExp(`^apply connector "es-sink-ratings_per_product" failed\nKafka Connect says: Kafka Connect at ${url.replace(/\./g, '\\.')} did not answer GET / within 0.1 s`),
    );
    expect(error.message).toMatch(/\nfix: check that the Connect container is running .*raise CONNECT_APPLY_WORKER_TIMEOUT_S \(now 0.1 s\)$/);
  });

  it("reports Connect's own message when it rejects the config", async () => {
    fake.rejectConfigWith = 'Connector configuration is invalid and contains the following 1 error(s):\nMissing required configuration "connection.url"';
    await expect(applier().apply(SPEC)).rejects.toThrow(
      /^configure connector "es-sink-ratings_per_product" failed\nKafka Connect says: HTTP 400: Connector configuration is invalid.*\nMissing required configuration "connection.url"\nfix: correct the connector's configuration/,
    );
  });

  it('fails with the task trace when a task is FAILED', async () => {
    const trace = 'org.apache.kafka.connect.errors.ConnectException: Could not connect to Elasticsearch\n\tat io.confluent.connect.elasticsearch.ElasticsearchClient';
    fake.statusesOnCreate = (name) => [
      withState(name, 'RUNNING', [{ id: 0, state: 'RUNNING', worker_id: 'connect:8083' }]),
      withState(name, 'RUNNING', [{ id: 0, state: 'FAILED', worker_id: 'connect:8083', trace }]),
    ];
    fake.statusNotFoundPollsOnCreate = 0;
    // RUNNING must hold for settleMs, so the FAILED that follows is seen.
    const error = await applyFailure(applier({ settleMs: 500 }).apply(SPEC));
    expect(error.message).toContain('start connector "es-sink-ratings_per_product" failed\nKafka Connect says: 1 FAILED task(s):\ntask 0 on worker connect:8083:');
    expect(error.message).toContain(trace);
  });

  it('fails with the connector trace when the connector itself is FAILED', async () => {
    fake.statusesOnCreate = (name) => [{ name, connector: { state: 'FAILED', worker_id: 'connect:8083', trace: 'java.lang.ClassNotFoundException: io.debezium.connector.mariadb.MariaDbConnector' }, tasks: [] }];
    await expect(applier().apply(SPEC)).rejects.toThrow(/FAILED on worker connect:8083:\njava.lang.ClassNotFoundException/);
  });

  it('times out with the last status when tasks never start', async () => {
    fake.statusesOnCreate = (name) => [withState(name, 'RUNNING', [{ id: 0, state: 'UNASSIGNED', worker_id: 'connect:8083' }])];
    const error = await applyFailure(applier({ runningTimeoutMs: 200 }).apply(SPEC));
    expect(error.message).toContain('connector "es-sink-ratings_per_product" was not RUNNING within 0.2 s (last status: connector RUNNING, task 0 UNASSIGNED)');
    expect(error.message).toContain('raise CONNECT_APPLY_RUNNING_TIMEOUT_S (now 0.2 s)');
  });

  it('does not count a connector without tasks as running', async () => {
    fake.statusesOnCreate = (name) => [withState(name, 'RUNNING', [])];
    await expect(applier({ runningTimeoutMs: 200 }).apply(SPEC)).rejects.toThrow(/last status: connector RUNNING, no tasks yet/);
  });

  it('requires RUNNING to hold for the settle time', async () => {
    fake.statusesOnCreate = (name) => [running(name), withState(name, 'RUNNING', [{ id: 0, state: 'UNASSIGNED' }]), running(name)];
    fake.statusNotFoundPollsOnCreate = 0;
    await applier({ settleMs: 50 }).apply(SPEC);
    // The first RUNNING was followed by UNASSIGNED, so the wait went on past it.
    expect(fake.requestsTo('GET', `/connectors/${SPEC.name}/status`).length).toBeGreaterThanOrEqual(4);
  });

  it('deletes a connector and waits until it is gone', async () => {
    await applier().apply(SPEC);
    fake.listedAfterDelete = 2;
    await expect(applier().delete(SPEC.name)).resolves.toBe('deleted');
    expect(fake.connectors.has(SPEC.name)).toBe(false);
    expect(fake.requestsTo('GET', `/connectors/${SPEC.name}`).filter((r) => r.path === `/connectors/${SPEC.name}`)).toHaveLength(3);
  });

  it('treats DELETE of a missing connector (404) as done', async () => {
    await expect(applier().delete('never-created')).resolves.toBe('absent');
    expect(logs.join('\n')).toContain('connector "never-created" does not exist; nothing to delete');
  });
});

describe('validateConnectorSpec', () => {
  it('accepts {name, config} with string values', () => {
    expect(validateConnectorSpec(SPEC)).toEqual(SPEC);
  });

  it.each([
    [{ config: SPEC.config }, /invalid name undefined/],
    [{ name: 'a b', config: SPEC.config }, /invalid name "a b"/],
    [{ name: 'x' }, /connector "x": spec has no config object/],
    [{ name: 'x', config: { 'connector.class': 'C', 'tasks.max': 1 } }, /config "tasks.max" is number, but Connect configs are strings/],
    [{ name: 'x', config: { topics: 't' } }, /connector "x": config has no "connector.class"/],
  ])('rejects %j', (spec, message) => {
    expect(() => validateConnectorSpec(spec)).toThrow(message);
  });
});
