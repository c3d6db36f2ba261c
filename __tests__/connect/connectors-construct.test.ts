/** The ElasticsearchSinks and DebeziumSource constructs as synthesized Terraform JSON. */
import { Testing } from 'cdktf';
import { DebeziumSource, ElasticsearchSinks, terraformLiteral } from '../../constructs/connectors';
import { datasetTimeColumns } from '../../payloads/index-templates';
import { DATASET_SCHEMAS } from '../../pipelines/datasets';
import { PIPELINES } from '../../pipelines/catalog';
import { parseScript } from '../../ksql-language/parser';
import type { PipelineDecl } from '../../pipelines/types';

const SCRIPT = `
CREATE STREAM LOGS (HOST VARCHAR KEY, STATUS INTEGER, TS BIGINT) WITH (KAFKA_TOPIC='server_logs', VALUE_FORMAT='JSON', TIMESTAMP='TS');
CREATE TABLE ERRORS_PER_HOST AS
  SELECT HOST, AS_VALUE(HOST) AS HOST_NAME, WINDOWSTART AS WINDOW_START, COUNT(*) AS ERRORS
  FROM LOGS WINDOW TUMBLING (SIZE 1 MINUTE) WHERE STATUS >= 500 GROUP BY HOST HAVING COUNT(*) >= 5;
CREATE STREAM SERVER_ERRORS AS SELECT * FROM LOGS WHERE STATUS >= 500;
`;
const PIPELINE: PipelineDecl = {
  name: 'server-logs',
  title: 'Server logs',
  datasets: ['server_logs'],
  needs: [],
  ksqlFile: 'ksql/server-logs.sql',
  sinks: [{ object: 'ERRORS_PER_HOST' }, { object: 'SERVER_ERRORS' }],
  dashboard: PIPELINES['server-logs'].dashboard,
};

type Resource = {
  input: { endpoint: string; spec: string };
  depends_on?: string[];
  triggers_replace: { spec_sha256: string };
  provisioner: Array<{ 'local-exec': { command: string; when?: string } }>;
};
type Synth = { resource: { terraform_data: Record<string, Resource> } };

function synth(): Synth {
  return JSON.parse(
    Testing.synthScope((scope) => {
      new ElasticsearchSinks(scope, 'server-logs-sinks', {
        pipeline: PIPELINE,
        statements: parseScript(PIPELINE.ksqlFile, SCRIPT).statements,
        connectUrl: 'http://127.0.0.1:8083',
        elasticsearch: { internalUrl: 'http://elasticsearch:9200', hostUrl: 'http://127.0.0.1:9200' },
      });
      new DebeziumSource(scope, 'moodle-cdc', {
        connectUrl: 'http://127.0.0.1:8083',
        dataset: DATASET_SCHEMAS.moodle_logs,
        database: { host: 'mariadb', port: 3306, user: 'debezium', passwordEnvVar: 'MOODLE_CDC_PASSWORD', name: 'moodle' },
        kafka: { bootstrapServers: 'kafka:9092' },
      });
    }),
  ) as Synth;
}

/** What Terraform makes of a string literal: $${ and %%{ are escapes for ${ and %{. */
function terraformEvaluated(value: string): string {
  return value.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

function byName(tf: Synth, fragment: string): Resource {
  const entry = Object.entries(tf.resource.terraform_data).find(([key]) => key.includes(fragment));
  if (!entry) throw new Error(`no terraform_data resource named like ${fragment}`);
  return entry[1];
}

describe('connector constructs', () => {
  const tf = synth();

  it('matches the reviewed snapshot', () => {
    expect(tf).toMatchSnapshot();
  });

  it('applies the index template before any sink, and each sink through the connect tool', () => {
    const template = byName(tf, 'elasticsearch_');
    expect(template.provisioner[0]['local-exec'].command).toContain('ops/elasticsearch/cli.ts apply');
    expect(template.input.endpoint).toBe('http://127.0.0.1:9200');
    const templateRef = Object.keys(tf.resource.terraform_data).find((k) => k.startsWith('elasticsearch_'))!;
    for (const sink of ['es-sink-errors_per_host', 'es-sink-server_errors']) {
      const resource = byName(tf, sink);
      expect(resource.depends_on).toContain(`terraform_data.${templateRef}`);
      expect(resource.provisioner.map((p) => p['local-exec'].command)).toEqual([
        expect.stringContaining('ops/connect/cli.ts apply'),
        expect.stringContaining('ops/connect/cli.ts delete'),
      ]);
      const spec = JSON.parse(terraformEvaluated(resource.input.spec)) as { name: string; config: Record<string, string> };
      expect(spec.name).toBe(sink);
      expect(spec.config['connection.url']).toBe('http://elasticsearch:9200');
    }
  });

  it('keeps the CDC password out of the Terraform JSON; Connect receives the ${env:...} reference as written', () => {
    const source = byName(tf, 'moodle-cdc');
    // Escaped for Terraform, so it is not read as a template expression...
    expect(source.input.spec).toContain('"database.password":"$${env:MOODLE_CDC_PASSWORD}"');
    expect(source.input.spec.replace(/\$\$\{/g, '')).not.toContain('${');
    // ...and what the provisioner passes on in OBJECT_SPEC is the provider reference itself.
    const spec = JSON.parse(terraformEvaluated(source.input.spec)) as { config: Record<string, string> };
    expect(spec.config['database.password']).toBe('${env:MOODLE_CDC_PASSWORD}');
  });

  it('captures moodle_logs by default, into its CDC topic', () => {
    const spec = JSON.parse(terraformEvaluated(byName(tf, 'moodle-cdc').input.spec)) as { config: Record<string, string> };
    expect(spec.config['table.include.list']).toBe('moodle\\.mdl_logstore_standard_log');
    expect(spec.config['topic.prefix']).toBe('moodle');
  });

  it("maps the pipeline datasets' epoch-millisecond fields as dates in the index template", () => {
    expect(datasetTimeColumns(PIPELINES.moodle)).toEqual(['CREATED_DATE', 'TIMECREATED']);
    const template = JSON.parse(byName(tf, 'elasticsearch_').input.spec) as { body: { template: { mappings: { dynamic_templates: Array<Record<string, { match?: string }>> } } } };
    // server_logs' only time field is TS, which the standard names already cover.
    expect(template.body.template.mappings.dynamic_templates[0].epoch_millis_as_date.match).toBe('(?i)((WINDOW|SESSION)_?(START|END)|ROWTIME|TS|.*_TS)');
  });

  it('escapes Terraform template sequences and nothing else', () => {
    expect(terraformLiteral('${env:A} %{if} $x {y} 50%')).toBe('$${env:A} %%{if} $x {y} 50%');
  });
});
