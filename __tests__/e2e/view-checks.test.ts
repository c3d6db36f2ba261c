/**
 * The rehearsal's checks of Kibana objects, Pinot tables and the Kafka UI, run against the
 * stand-ins the rehearsal deploys: nothing passes before the appliers ran, everything passes after
 * each synthesized kibana_* and pinot_* object was applied through its CLI (as the provisioners do),
 * and nothing passes again after their destroy-time deletes.
 */
import { expectedDeployment } from '../../e2e/expectations';
import { kafkaUiChecks, kibanaChecks, pinotChecks } from '../../e2e/checks';
import { OPEN_ACCESS } from '../../e2e/probes';
import type { CheckResult } from '../../e2e/summary';
import { main as kibanaMain } from '../../ops/kibana/cli';
import { main as pinotMain } from '../../ops/pinot/cli';
import { StandinServer } from '../../standins/http';
import { KafkaUiStandin } from '../../standins/kafka-ui';
import { KibanaStandin } from '../../standins/kibana';
import { PinotStandin } from '../../standins/pinot';
import { closedPortUrl } from '../support/closed-port';
import { callMain, spawnOps } from '../support/ops-cli';
import { configWith, resourcesOf, synthStack } from '../support/synth';

const config = configWith();
const tf = synthStack(config);
const expected = expectedDeployment(tf, config);
const moodle = expected.pipelines.find((p) => p.name === 'moodle')!;
const shop = expected.pipelines.find((p) => p.name === 'shop')!;
/** Each spawned CLI starts node and ts-node (a few seconds on a busy 2-core machine). */
const SPAWN_TIMEOUT_MS = 60_000;

const FAST = { KIBANA_APPLY_STATUS_TIMEOUT_S: '2', PINOT_APPLY_HEALTH_TIMEOUT_S: '2' };

/** The specs of the synthesized objects of one tool, in the order they appear. */
function specs(tool: string): string[] {
  return Object.entries(resourcesOf(tf, 'terraform_data'))
    .filter(([id]) => id.startsWith(`${tool}_`))
    .map(([, r]) => (r.input as { spec: string }).spec);
}

const verdicts = (results: readonly CheckResult[]): string[] => [...new Set(results.map((r) => r.verdict))];

describe('Kibana and Pinot checks', () => {
  const kibana = new StandinServer(new KibanaStandin());
  const pinot = new StandinServer(new PinotStandin());
  let urls: { kibana: string; pinotController: string };

  beforeAll(async () => {
    urls = { kibana: await kibana.startLoopback(), pinotController: await pinot.startLoopback() };
  });
  afterAll(() => Promise.all([kibana.stop(), pinot.stop()]));

  it('expect the moodle data views, searches and dashboard, and the shop table', () => {
    expect(moodle.kibanaObjects).toHaveLength(8);
    expect(moodle.kibanaObjects).toContainEqual({ type: 'dashboard', id: 'moodle-dashboard' });
    expect(shop.pinotTables).toEqual([{ table: 'shop_income_per_3_seconds', tableType: 'REALTIME', schema: 'shop_income_per_3_seconds' }]);
    expect(expected.pipelines.filter((p) => p.name !== 'moodle').flatMap((p) => p.kibanaObjects)).toEqual([]);
  });

  it('fail before the deploy, pass once every object is applied through its CLI, and fail again after the deletes', async () => {
    expect(verdicts(await kibanaChecks(moodle, urls, OPEN_ACCESS))).toEqual(['fail']);
    expect(verdicts(await pinotChecks(shop, urls, OPEN_ACCESS))).toEqual(['fail']);

    const run = async (verb: 'apply' | 'delete'): Promise<void> => {
      for (const spec of specs('kibana')) expect((await callMain(kibanaMain, [verb], { ...FAST, OBJECT_ENDPOINT: urls.kibana, OBJECT_SPEC: spec })).code).toBe(0);
      for (const spec of specs('pinot')) expect((await callMain(pinotMain, [verb], { ...FAST, OBJECT_ENDPOINT: urls.pinotController, OBJECT_SPEC: spec })).code).toBe(0);
    };
    await run('apply');
    const kibanaResults = await kibanaChecks(moodle, urls, OPEN_ACCESS);
    expect(kibanaResults.filter((r) => r.verdict !== 'pass')).toEqual([]);
    expect(kibanaResults).toContainEqual({ pipeline: 'moodle', check: 'Kibana dashboard moodle-dashboard exists', verdict: 'pass', detail: 'title "Moodle: sessions, activity and students at risk"' });
    expect((await pinotChecks(shop, urls, OPEN_ACCESS)).map((r) => `${r.check}: ${r.verdict}`)).toEqual([
      'Pinot schema shop_income_per_3_seconds exists: pass',
      'Pinot REALTIME table shop_income_per_3_seconds exists: pass',
    ]);

    await run('delete');
    expect(verdicts(await kibanaChecks(moodle, urls, OPEN_ACCESS))).toEqual(['fail']);
    expect(verdicts(await pinotChecks(shop, urls, OPEN_ACCESS))).toEqual(['fail']);
    // Twenty-odd applies and deletes: jest's 5 s ran out at a load average of 30 on two cores.
  }, 60_000);

  it('pass after the exact provisioner commands (node, ts-node, ops/<tool>/cli.ts) applied the dashboard and the table', async () => {
    const dashboard = specs('kibana').find((s) => s.includes('"type":"dashboard"'))!;
    const kibanaRun = await spawnOps('kibana', 'apply', { ...FAST, OBJECT_ENDPOINT: urls.kibana, OBJECT_SPEC: dashboard });
    expect([kibanaRun.code, kibanaRun.stderr]).toEqual([0, '']);
    expect(kibanaRun.stdout).toContain('[kibana] Kibana dashboard "moodle-dashboard" written');
    const pinotRun = await spawnOps('pinot', 'apply', { ...FAST, OBJECT_ENDPOINT: urls.pinotController, OBJECT_SPEC: specs('pinot')[0] });
    expect([pinotRun.code, pinotRun.stderr]).toEqual([0, '']);
    expect(verdicts(await pinotChecks(shop, urls, OPEN_ACCESS))).toEqual(['pass']);
    const deleted = await spawnOps('pinot', 'delete', { ...FAST, OBJECT_ENDPOINT: urls.pinotController, OBJECT_SPEC: specs('pinot')[0] });
    expect(deleted.code).toBe(0);
    expect(verdicts(await pinotChecks(shop, urls, OPEN_ACCESS))).toEqual(['fail']);
  }, SPAWN_TIMEOUT_MS);

  it('a delete whose service is gone succeeds, saying so', async () => {
    const endpoint = await closedPortUrl();
    const gone = await spawnOps('pinot', 'delete', { ...FAST, OBJECT_ENDPOINT: endpoint, OBJECT_SPEC: specs('pinot')[0] });
    expect(gone.code).toBe(0);
    expect(gone.stdout).toContain(`pinot: Pinot REALTIME table "shop_income_per_3_seconds" (schema "shop_income_per_3_seconds"): nothing answers at ${endpoint}`);
  }, SPAWN_TIMEOUT_MS);
});

describe('Kafka UI checks', () => {
  const kafkaUiEnv = (): NodeJS.ProcessEnv => {
    const container = Object.values(resourcesOf(tf, 'docker_container')).find((c) => c.hostname === 'kafka-ui')!;
    return Object.fromEntries((container.env as string[]).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  };

  it('expect the cluster named after the project, with the registry, ksqlDB and one Connect', () => {
    expect(expected.kafkaUi).toEqual({ cluster: 'lab', connects: ['connect'], schemaRegistry: true, ksqldb: true });
  });

  it('pass against a UI given the stack environment, and name what a UI without ksqlDB lacks', async () => {
    const wired = new StandinServer(new KafkaUiStandin('v1.5.0', kafkaUiEnv()));
    const { KAFKA_CLUSTERS_0_KSQLDBSERVER: _ksqldb, ...withoutKsqlDb } = kafkaUiEnv();
    const partial = new StandinServer(new KafkaUiStandin('v1.5.0', withoutKsqlDb));
    try {
      const results = await kafkaUiChecks(expected.kafkaUi!, { kafkaUi: await wired.startLoopback() }, OPEN_ACCESS);
      expect(results.map((r) => [r.check, r.verdict])).toEqual([
        ['Kafka UI shows cluster lab with SCHEMA_REGISTRY, KSQL_DB, KAFKA_CONNECT', 'pass'],
        ['Kafka UI lists Connect connect', 'pass'],
      ]);
      const [cluster] = await kafkaUiChecks(expected.kafkaUi!, { kafkaUi: await partial.startLoopback() }, OPEN_ACCESS);
      expect(cluster).toMatchObject({ verdict: 'fail', detail: 'features ["SCHEMA_REGISTRY","KAFKA_CONNECT"] lack KSQL_DB' });
    } finally {
      await Promise.all([wired.stop(), partial.stop()]);
    }
  });
});
