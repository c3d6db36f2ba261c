/**
 * KsqlObjects synthesized with cdktf's Testing.synthScope, and the checks that run over every
 * pipeline's real script against the real dataset schemas.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataResource, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { KsqlObjects } from '../../constructs/ksql-objects';
import { DEFAULT_CONFIG } from '../../config/defaults';
import { planPipelineTopics } from '../../stacks/pipeline-topics';
import { DATASET_SCHEMAS } from '../../pipelines/datasets';
import { resolveSinkTargets } from '../../payloads/elasticsearch-sinks';
import { PIPELINE_NAMES, PIPELINES } from '../../pipelines/catalog';
import { type PipelineDecl } from '../../pipelines/types';
import { KsqlScriptError } from '../../ksql-language/problem';
import { PROJECT_ROOT } from '../../lib/project-root';
import { loadPipelineScript, pipelinesInReferenceOrder, validateEnabledPipelineScripts, validatePipelineScripts } from '../../pipelines/scripts';

type Json = Record<string, unknown>;
const ALL = PIPELINE_NAMES.map((n) => PIPELINES[n]);

function synth(build: (scope: Construct) => void): Json {
  return JSON.parse(Testing.synthScope(build)) as Json;
}

function terraformData(tf: Json): Record<string, Json> {
  return ((tf.resource as Json).terraform_data ?? {}) as Record<string, Json>;
}

/** The resources with their spec parsed, so the snapshot reads as the statements it deploys. */
function readable(tf: Json): Json {
  const out: Record<string, Json> = {};
  for (const [id, r] of Object.entries(terraformData(tf))) {
    const input = r.input as { endpoint: string; spec: string };
    out[id] = { ...r, input: { ...input, spec: JSON.parse(input.spec) as Json } };
  }
  return out;
}

describe('all the pipelines\' scripts', () => {
  it('pass validation together against the real dataset schemas, every statement of every script kept', () => {
    const graph = validateEnabledPipelineScripts(ALL);
    const counted = (files: readonly string[]): string[] => ALL.map((p) => `${p.ksqlFile}: ${files.filter((f) => f === p.ksqlFile).length} statements`);
    const parsedAlone = ALL.flatMap((p) => loadPipelineScript(p).statements.map(() => p.ksqlFile));
    expect(counted(graph.statements.map((s) => s.file))).toEqual(counted(parsedAlone));
  });

  it('each pass alone, with only their own datasets enabled', () => {
    for (const p of ALL) expect(() => validatePipelineScripts([p], DATASET_SCHEMAS)).not.toThrow();
  });

  it('declare every source stream over a dataset topic with that dataset\'s columns', () => {
    // Each dataset is read by at least one declaration: nothing produced goes unused.
    const graph = validateEnabledPipelineScripts(ALL);
    const readTopics = new Set(graph.statements.filter((s) => s.form === 'CREATE').map((s) => String(s.properties.KAFKA_TOPIC.value)));
    for (const schema of Object.values(DATASET_SCHEMAS)) {
      const topics = schema.sink.kind === 'database' ? [schema.sink.cdcTopic] : [schema.sink.topic, ...Object.values(schema.sink.topicByFormat ?? {})];
      for (const t of topics) expect({ dataset: schema.name, topic: t, read: readTopics.has(t) }).toEqual({ dataset: schema.name, topic: t, read: true });
    }
  });

  it('fail when a dataset schema changes under them, naming the file and line', () => {
    const changed = {
      ...DATASET_SCHEMAS,
      ratings: { ...DATASET_SCHEMAS.ratings, fields: DATASET_SCHEMAS.ratings.fields.map((f) => (f.name === 'stars' ? { ...f, type: 'double' as const } : f)) },
    };
    expect(() => validatePipelineScripts([PIPELINES.ratings], changed)).toThrow(
      'ksql/ratings.sql:13: RATINGS declares STARS as INTEGER, but dataset ratings field stars is double — declare it DOUBLE',
    );
  });

  it('name every sink of the pipeline declarations as an object of their script', () => {
    for (const p of ALL) {
      const targets = resolveSinkTargets(p, loadPipelineScript(p).statements);
      expect(targets.map((t) => t.object)).toEqual(p.sinks.map((s) => s.object));
    }
  });
});

describe('KsqlObjects', () => {
  // The stack validates the enabled pipelines' scripts once and hands every construct that graph.
  const paymentsGraph = validateEnabledPipelineScripts([PIPELINES.payments]);
  const tf = synth((scope) => {
    new KsqlObjects(scope, 'payments_ksql', { pipeline: PIPELINES.payments, ksqlUrl: 'http://127.0.0.1:8088', dependsOn: [], graph: paymentsGraph });
  });
  const resources = terraformData(tf);
  const byName = new Map(Object.values(resources).map((r) => [JSON.parse((r.input as { spec: string }).spec).name as string, r]));
  const idOf = (name: string): string => Object.keys(resources).find((id) => resources[id] === byName.get(name))!;

  it('synthesizes one RestObject per statement of the pipeline (snapshot)', () => {
    expect(byName.size).toBe(loadPipelineScript(PIPELINES.payments).statements.length);
    expect(readable(tf)).toMatchSnapshot();
  });

  it('makes each object depend on, and be replaced with, the objects it reads', () => {
    const insert = byName.get('PAYMENTS_ALL_FORMATS_FROM_AVRO')!;
    const expected = ['PAYMENTS_AVRO', 'PAYMENTS_ALL_FORMATS'].map((n) => `terraform_data.${idOf(n)}`);
    expect(insert.depends_on).toEqual(expected);
    expect((insert.lifecycle as Json).replace_triggered_by).toEqual(expected);
    expect(byName.get('PAYMENTS_JSON')!.depends_on).toEqual([]);
  });

  it('holds no absolute path of this machine', () => {
    expect(JSON.stringify(tf)).not.toContain(PROJECT_ROOT);
  });

  it('depends on the topic each statement reads or writes, and refuses a topic the stack does not declare', () => {
    const withTopics = synth((scope) => {
      const names = new Set(['payment_json', 'payment_avro', 'payment_protobuf', ...planPipelineTopics([PIPELINES.payments], paymentsGraph, DEFAULT_CONFIG.kafka, 1).map((t) => t.name)]);
      // terraform_data resources stand in for the stack's kafka_topic resources.
      const topics = new Map([...names].map((n) => [n, new DataResource(scope, `topic_${n}`, { input: { topic: n } })]));
      new KsqlObjects(scope, 'p', { pipeline: PIPELINES.payments, ksqlUrl: 'http://127.0.0.1:8088', dependsOn: [], topics, graph: paymentsGraph });
    });
    const objects = Object.values(terraformData(withTopics)).filter((r) => r.provisioner !== undefined);
    const dependsOf = (name: string): unknown => objects.find((r) => JSON.parse((r.input as { spec: string }).spec).name === name)!.depends_on;
    expect(dependsOf('PAYMENTS_JSON')).toEqual(['terraform_data.topic_payment_json']);
    // An INSERT INTO depends on the topic of the stream it writes, besides the objects it reads.
    expect(dependsOf('PAYMENTS_ALL_FORMATS_FROM_AVRO')).toEqual([
      'terraform_data.topic_payments_all_formats',
      'terraform_data.ksql_PAYMENTS_AVRO',
      'terraform_data.ksql_PAYMENTS_ALL_FORMATS',
    ]);
    expect(() =>
      synth((scope) => {
        new KsqlObjects(scope, 'p', { pipeline: PIPELINES.payments, ksqlUrl: 'http://127.0.0.1:8088', dependsOn: [], topics: new Map(), graph: paymentsGraph });
      }),
    ).toThrow("ksql/payments.sql:18: STREAM PAYMENTS_JSON uses topic 'payment_json', which the stack declares no Kafka topic resource for");
  });

  it('plans the topics each pipeline\'s statements read and write, tables compacted', () => {
    const planned = (pipeline: PipelineDecl): Array<{ name: string; compacted: boolean }> =>
      planPipelineTopics([pipeline], validateEnabledPipelineScripts([pipeline]), DEFAULT_CONFIG.kafka, 1).map((t) => ({
        name: t.name,
        compacted: (t.config['cleanup.policy'] ?? '').includes('compact'),
      }));
    expect(planned(PIPELINES.shop)).toEqual([
      { name: 'shop_transactions', compacted: false },
      { name: 'window_transactions', compacted: true },
    ]);
    expect(planned(PIPELINES.clickstream)).toEqual(
      expect.arrayContaining([
        { name: 'clickstream_users', compacted: true },
        { name: 'clickstream_codes', compacted: true },
      ]),
    );
    expect(planned(PIPELINES.moodle).filter((t) => !t.name.startsWith('moodle.'))).toEqual([
      { name: 'moodle_at_risk_students', compacted: false },
      { name: 'moodle_predictions', compacted: false },
      { name: 'moodle_user_activity', compacted: true },
      { name: 'moodle_user_sessions', compacted: true },
    ]);
  });

  /** A throwaway pipeline whose script reads the payments pipeline's merged stream, for the duration of `body`. */
  function withAuditPipeline(folder: string, body: (audit: PipelineDecl) => void): void {
    const dir = join(PROJECT_ROOT, '.cache', folder);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'audit.sql'), "CREATE STREAM PAYMENTS_AUDIT WITH (KAFKA_TOPIC='payments_audit') AS SELECT * FROM PAYMENTS_ALL_FORMATS;\n");
    try {
      body({ ...PIPELINES.payments, name: 'shop', datasets: [], ksqlFile: `.cache/${folder}/audit.sql` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('resolves references to another pipeline\'s objects through upstream, and only through it', () => {
    withAuditPipeline('ksql-objects-test', (audit) => {
      const graph = validateEnabledPipelineScripts([PIPELINES.payments, audit]);
      const out = synth((scope) => {
        const payments = new KsqlObjects(scope, 'payments', { pipeline: PIPELINES.payments, ksqlUrl: 'http://127.0.0.1:8088', dependsOn: [], graph });
        new KsqlObjects(scope, 'audit', { pipeline: audit, ksqlUrl: 'http://127.0.0.1:8088', dependsOn: [], graph, upstream: [payments] });
      });
      expect(terraformData(out).ksql_PAYMENTS_AUDIT.depends_on).toEqual(['terraform_data.ksql_PAYMENTS_ALL_FORMATS']);
      expect(() =>
        synth((scope) => {
          new KsqlObjects(scope, 'audit', { pipeline: audit, ksqlUrl: 'http://127.0.0.1:8088', dependsOn: [], graph });
        }),
      ).toThrow(".cache/ksql-objects-test/audit.sql: PAYMENTS_ALL_FORMATS is defined in another pipeline's script — pass that pipeline's KsqlObjects as upstream");
    });
  });

  it('takes the stack\'s one graph, in an order where a pipeline follows the pipelines it reads from', () => {
    withAuditPipeline('ksql-objects-graph-test', (audit) => {
      // The reader comes first in the configuration: the order must put its source pipeline before it.
      const graph = validatePipelineScripts([audit, PIPELINES.payments], DATASET_SCHEMAS);
      const ordered = pipelinesInReferenceOrder([audit, PIPELINES.payments, PIPELINES.ratings], graph);
      expect(ordered.map((p) => p.ksqlFile)).toEqual(['ksql/payments.sql', audit.ksqlFile, 'ksql/ratings.sql']);
      const out = synth((scope) => {
        const created: KsqlObjects[] = [];
        for (const pipeline of ordered.filter((p) => p !== PIPELINES.ratings)) {
          created.push(new KsqlObjects(scope, pipeline.ksqlFile, { pipeline, ksqlUrl: 'http://127.0.0.1:8088', dependsOn: [], graph, upstream: [...created] }));
        }
      });
      expect(terraformData(out).ksql_PAYMENTS_AUDIT.depends_on).toEqual(['terraform_data.ksql_PAYMENTS_ALL_FORMATS']);
    });
  });

  it('refuses an object name its script does not define', () => {
    let objects: KsqlObjects | undefined;
    synth((scope) => {
      objects = new KsqlObjects(scope, 'p', { pipeline: PIPELINES.shop, ksqlUrl: 'http://127.0.0.1:8088', dependsOn: [], graph: validateEnabledPipelineScripts([PIPELINES.shop]) });
    });
    expect(objects!.object('SHOP_INCOME_PER_3_SECONDS')).toBeDefined();
    expect(() => objects!.object('SHOP_INCOME')).toThrow('ksql/shop.sql defines no SHOP_INCOME (it defines SHOP_TRANSACTIONS, SHOP_INCOME_PER_3_SECONDS)');
  });

  it('gets its graph from the one validation, which fails synth with every problem when a script is invalid', () => {
    const broken = { ...PIPELINES.shop, ksqlFile: 'ksql/does-not-exist.sql' };
    expect(() => validateEnabledPipelineScripts([broken])).toThrow(KsqlScriptError);
  });
});
