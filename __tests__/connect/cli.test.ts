/**
 * The Connect and Elasticsearch CLIs as the RestObject provisioners run them (OBJECT_ENDPOINT,
 * OBJECT_SPEC, the verb), against the fakes of fake-connect.ts and fake-elasticsearch.ts: once
 * each through the exact provisioner command (opsCommand), otherwise through main().
 */
import { main as connectMain } from '../../ops/connect/cli';
import { main as elasticsearchMain } from '../../ops/elasticsearch/cli';
import { closedPortUrl } from '../support/closed-port';
import { callMain, spawnOps } from '../support/ops-cli';
import { FakeConnect, withState } from './fake-connect';
import { FakeElasticsearch } from './fake-elasticsearch';

const CONNECTOR = { name: 'moodle-cdc', config: { 'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector', 'tasks.max': '1' } };
const TEMPLATE = { name: 'pipeline-moodle', body: { index_patterns: ['user_sessions'], template: {} } };
/** Fast waits: the fakes answer at once. */
const FAST = { CONNECT_APPLY_POLL_INTERVAL_MS: '10', CONNECT_APPLY_SETTLE_MS: '30', ELASTICSEARCH_APPLY_POLL_INTERVAL_MS: '10' };

/** A fresh fake per test, started before and stopped after it. */
/** What the fakes share: a loopback server started and stopped around each test. */
interface LoopbackFake {
  start(): Promise<string>;
  stop(): Promise<void>;
}

function serve<F extends LoopbackFake>(make: () => F): { fake: F; url: string } {
  const served = {} as { fake: F; url: string };
  beforeEach(async () => {
    served.fake = make();
    served.url = await served.fake.start();
  });
  afterEach(() => served.fake.stop());
  return served;
}

describe('ops/connect/cli.ts', () => {
  const served = serve(() => new FakeConnect());

  it('apply creates the connector from OBJECT_SPEC and exits 0; delete removes it (the provisioner command)', async () => {
    const env = { OBJECT_ENDPOINT: `${served.url}/`, OBJECT_SPEC: JSON.stringify(CONNECTOR) };
    const applied = await spawnOps('connect', 'apply', env);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('[connect] connector "moodle-cdc" created');
    expect(served.fake.connectors.get('moodle-cdc')?.config).toEqual({ ...CONNECTOR.config, name: 'moodle-cdc' });

    const deleted = await spawnOps('connect', 'delete', env);
    expect(deleted.code).toBe(0);
    expect(served.fake.connectors.has('moodle-cdc')).toBe(false);
  }, 30_000);

  it('exits 1 and prints the trace of a FAILED task', async () => {
    served.fake.statusesOnCreate = (name) => [withState(name, 'RUNNING', [{ id: 0, state: 'FAILED', worker_id: 'connect:8083', trace: 'java.sql.SQLException: Access denied for user debezium' }])];
    const result = await callMain(connectMain, ['apply'], { ...FAST, OBJECT_ENDPOINT: served.url, OBJECT_SPEC: JSON.stringify(CONNECTOR) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('start connector "moodle-cdc" failed\nKafka Connect says: 1 FAILED task(s)');
    expect(result.stderr).toContain('java.sql.SQLException: Access denied for user debezium');
  });

  it('exits 1 naming the problem when OBJECT_SPEC is not a connector', async () => {
    const result = await callMain(connectMain, ['apply'], { OBJECT_ENDPOINT: served.url, OBJECT_SPEC: '{"name":"x"}' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('connector "x": spec has no config object');
  });

  it('exits 1 naming the variable, the value and what is allowed when a timeout setting is invalid', async () => {
    const result = await callMain(connectMain, ['apply'], { OBJECT_ENDPOINT: served.url, OBJECT_SPEC: JSON.stringify(CONNECTOR), CONNECT_APPLY_RUNNING_TIMEOUT_S: '3m' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("CONNECT_APPLY_RUNNING_TIMEOUT_S='3m' is not a positive number of seconds up to 86400");
    expect(served.fake.requests).toHaveLength(0);
  });

  it('names the connector and the setting to raise when its tasks do not start in time', async () => {
    served.fake.statusesOnCreate = (name) => [withState(name, 'RUNNING', [{ id: 0, state: 'UNASSIGNED', worker_id: 'connect:8083' }])];
    const result = await callMain(connectMain, ['apply'], { ...FAST, CONNECT_APPLY_RUNNING_TIMEOUT_S: '0.2', OBJECT_ENDPOINT: served.url, OBJECT_SPEC: JSON.stringify(CONNECTOR) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('apply connector "moodle-cdc" failed');
    expect(result.stderr).toContain('was not RUNNING within 0.2 s (last status: connector RUNNING, task 0 UNASSIGNED)');
    expect(result.stderr).toContain('raise CONNECT_APPLY_RUNNING_TIMEOUT_S (now 0.2 s)');
  });
});

describe('ops/elasticsearch/cli.ts', () => {
  const served = serve(() => new FakeElasticsearch());

  it('apply puts the template; delete removes it (the provisioner command)', async () => {
    const env = { OBJECT_ENDPOINT: served.url, OBJECT_SPEC: JSON.stringify(TEMPLATE) };
    const applied = await spawnOps('elasticsearch', 'apply', env);
    expect(applied.code).toBe(0);
    expect(served.fake.templates.get('pipeline-moodle')).toEqual(TEMPLATE.body);
    const deleted = await spawnOps('elasticsearch', 'delete', env);
    expect(deleted.code).toBe(0);
    expect(served.fake.templates.size).toBe(0);
  }, 30_000);

  it("exits 1 with the template and Elasticsearch's reason when it is rejected", async () => {
    served.fake.rejectTemplateWith = 'unknown setting [index.nope]';
    const result = await callMain(elasticsearchMain, ['apply'], { ...FAST, OBJECT_ENDPOINT: served.url, OBJECT_SPEC: JSON.stringify(TEMPLATE) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('put index template "pipeline-moodle" failed\nElasticsearch says: HTTP 400: illegal_argument_exception: unknown setting [index.nope]');
  });
});

describe('delete when the service is already gone (destroy must not stop half way)', () => {
  it.each([
    ['connect', connectMain, JSON.stringify(CONNECTOR), '[connect] connect: connector "moodle-cdc": nothing answers at'],
    ['elasticsearch', elasticsearchMain, JSON.stringify(TEMPLATE), '[elasticsearch] elasticsearch: index template "pipeline-moodle": nothing answers at'],
  ] as const)('%s delete exits 0 and says there is nothing to delete', async (_tool, main, spec, message) => {
    const result = await callMain(main, ['delete'], { OBJECT_ENDPOINT: await closedPortUrl(), OBJECT_SPEC: spec });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(message);
  });
});
