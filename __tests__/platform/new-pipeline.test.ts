/**
 * The extension path: a pipeline declared only in a test fixture (its dataset schema, its SQL, its
 * declaration with its dashboard) and added to the catalog as a contributor would add one line,
 * is synthesized into topics, statements, a sink, an index template, a generator and a dashboard.
 */
import { DEFAULT_CONFIG } from '../../config/defaults';
import { dashboardUid } from '../../dashboards/dashboard';
import { PIPELINES } from '../../pipelines/catalog';
import { DATASET_NAMES } from '../../pipelines/datasets';
import { dashboardsTable, memoryTable, pipelinesTable } from '../../scripts/readme-tables/tables';
import { memoryBudget } from '../../stacks/memory-budget';
import { provisioningOf } from '../dashboards/support';
import { resourcesOf, synthStack, type Json } from '../support/synth';

// The catalog with one more line. Its script lives beside the fixture rather than in ksql/, the
// one field completed otherwise than by the naming rule, so that ksql/ holds only real pipelines.
jest.mock('../../pipelines/catalog', () => {
  const actual = jest.requireActual<typeof import('../../pipelines/catalog')>('../../pipelines/catalog');
  const fixture = jest.requireActual<typeof import('../fixtures/iot-sensors/iot-sensors')>('../fixtures/iot-sensors/iot-sensors');
  const specs = { ...actual.PIPELINE_SPECS, 'iot-sensors': fixture.IOT_SENSORS_PIPELINE };
  const names = Object.keys(specs) as Array<keyof typeof specs>;
  const pipelines = Object.fromEntries(names.map((name) => [name, actual.completePipeline(name, specs[name])]));
  pipelines['iot-sensors'] = { ...pipelines['iot-sensors'], ksqlFile: '__tests__/fixtures/iot-sensors/iot-sensors.sql' };
  return { ...actual, PIPELINE_SPECS: specs, PIPELINE_NAMES: names, PIPELINES: pipelines };
});

const NAME = 'iot-sensors';
const pipeline = Object.values(PIPELINES).find((p) => (p.name as string) === NAME)!;
const tf = synthStack(DEFAULT_CONFIG);

/** The specs of the stack's REST objects whose Terraform id starts with `prefix`. */
function restSpecs(prefix: string): Json[] {
  return Object.entries(resourcesOf(tf, 'terraform_data'))
    .filter(([id]) => id.startsWith(prefix))
    .map(([, r]) => JSON.parse((r.input as { spec: string }).spec) as Json);
}

describe('a pipeline declared only in a test fixture, with one line added to the catalog', () => {
  it('is a pipeline and its dataset a dataset of the lab, on by default', () => {
    expect(pipeline).toBeDefined();
    expect(DATASET_NAMES).toContain('iot_sensors');
    expect(DEFAULT_CONFIG.pipelines).toContain(NAME);
  });

  it('gets its dataset topic and the topic of its table', () => {
    const topics = Object.values(resourcesOf(tf, 'kafka_topic')).map((t) => t.name);
    expect(topics).toEqual(expect.arrayContaining(['iot_sensors', 'iot_sensor_minutes']));
  });

  it('gets the statements of its script, in order', () => {
    const statements = restSpecs('ksql_').filter((s) => s.file === pipeline.ksqlFile);
    expect(statements.map((s) => s.name)).toEqual(['IOT_SENSORS', 'IOT_SENSOR_MINUTES']);
  });

  it('gets a sink connector and an index template for its sink', () => {
    const sinks = restSpecs('connect_es-sink-').map((s) => (s.config as Record<string, string>).topics);
    expect(sinks).toContain('iot_sensor_minutes');
    const templates = restSpecs('elasticsearch_').map((s) => (s.body as { index_patterns: string[] }).index_patterns);
    expect(templates.flat()).toContain('iot_sensor_minutes');
  });

  it('gets its dataset produced by the generators container (a group of its run command)', () => {
    const generators = Object.values(resourcesOf(tf, 'docker_container')).find((c) => c.hostname === 'generators');
    expect(generators?.command).toEqual(expect.arrayContaining(['run', 'iot_sensors']));
  });

  it('gets its Grafana dashboard, reading its sink index', () => {
    const dashboard = provisioningOf(tf).dashboards.find((d) => d.uid === dashboardUid(NAME));
    expect(dashboard?.title).toBe('Sensors');
    const datasources = provisioningOf(tf).datasources.map((d) => d.uid);
    expect(datasources).toContain('es-iot_sensor_minutes');
  });

  it('gets its rows in the README tables that npm run readme:tables renders', () => {
    expect(pipelinesTable().split('\n')).toContain('| `iot-sensors` | `iot_sensors` | `__tests__/fixtures/iot-sensors/iot-sensors.sql` | IOT_SENSOR_MINUTES |');
    expect(dashboardsTable().split('\n')).toContain('| [Sensors](http://127.0.0.1:3000/d/lab-iot-sensors) | `iot-sensors` | Mean temperature |');
    // It needs no optional service, and its dataset runs in the shared generators container.
    expect(memoryTable(memoryBudget(DEFAULT_CONFIG)).split('\n')).toContain('| iot-sensors | none | 0 |');
  });
});
