/**
 * What a deploy must have produced, read from the synthesized Terraform JSON the deploy applied
 * (containers, topics with their settings, ksqlDB statements, connectors, index templates, Kibana
 * objects, Pinot tables, what the Kafka UI is wired to) and grouped by pipeline
 * through the catalog, so the rehearsal checks the same declarations the stack was built from.
 */
import type { LabConfig } from '../config/types';
import { DATASET_SCHEMAS } from '../pipelines/datasets';
import { deployedTopicName } from '../lib/topic-prefix';
import { datasetTopicNames } from '../generators/schema';
import { PIPELINE_NAMES, type PipelineName, PIPELINES } from '../pipelines/catalog';
import { pinotTableName } from '../payloads/pinot-tables';
import { validateIndexTemplateSpec, type IndexTemplateSpec } from '../ops/elasticsearch/applier';
import { parseScript, type KsqlStatement } from '../ksql-language/parser';
import { statementTopic } from '../ksql-language/validator';
import { DASHBOARDS_DIR, PROVISIONING_DIR } from '../dashboards/provisioning';
import { synthesizedAccess } from './lab-access';

type Json = Record<string, unknown>;

export interface ExpectedTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string>>;
}

export interface ExpectedStatement {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly kind: string;
  readonly form: string;
  readonly statement: string;
}

/** A stream or table a persistent query of the pipeline writes (CREATE ... AS SELECT), and its topic on the cluster. */
export interface ExpectedOutput {
  readonly object: string;
  readonly topic: string;
  /** EMIT FINAL: a window's row is written only once a later record closes the window. */
  readonly emitFinal: boolean;
}

/**
 * ksqlDB's processing log as the stack wires it: the topic its Kafka appender writes, and a JSON
 * source stream that persistent queries read, where the rehearsal sends one value that is not JSON.
 */
export interface ExpectedProcessingLog {
  readonly topic: string;
  readonly probe: { readonly stream: string; readonly topic: string };
}

export interface ExpectedPipeline {
  readonly name: PipelineName;
  /** Topics the pipeline's generators write (the payments API's for payments). */
  readonly producerTopics: readonly string[];
  /** The CDC topic Debezium writes from the database rows the generator inserts. */
  readonly cdcTopic?: string;
  readonly paymentsApi: boolean;
  /** In the order the deploy applies them (the script graph's order). */
  readonly statements: readonly ExpectedStatement[];
  /** What its persistent queries write: the rows out. */
  readonly outputs: readonly ExpectedOutput[];
  readonly connectors: readonly string[];
  /** Elasticsearch index of each sink connector. */
  readonly indices: readonly string[];
  /** Kibana saved objects (data views, saved searches, dashboards) the deploy writes for the pipeline. */
  readonly kibanaObjects: readonly ExpectedSavedObject[];
  /** Pinot tables, with their schemas, the deploy adds for the pipeline. */
  readonly pinotTables: readonly ExpectedPinotTable[];
}

export interface ExpectedSavedObject {
  readonly type: string;
  readonly id: string;
}

export interface ExpectedPinotTable {
  readonly table: string;
  readonly tableType: string;
  readonly schema: string;
}

/** The cluster as the Kafka UI container is told about it: what the UI must list. */
export interface ExpectedKafkaUi {
  readonly cluster: string;
  /** Connect clusters by name (KAFKA_CLUSTERS_0_KAFKACONNECT_<j>_NAME). */
  readonly connects: readonly string[];
  readonly schemaRegistry: boolean;
  readonly ksqldb: boolean;
}

/** A dashboard the stack provisions, with the pipeline it belongs to (none: the home dashboard). */
export interface ExpectedDashboard {
  readonly uid: string;
  readonly title: string;
  readonly pipeline?: PipelineName;
}

/** What Grafana must serve: read from the files the stack writes into its container, and its env. */
export interface ExpectedGrafana {
  readonly dashboards: readonly ExpectedDashboard[];
  /** Data source uids. */
  readonly datasources: readonly string[];
  readonly anonymousViewing: boolean;
}

export interface ExpectedDeployment {
  readonly project: string;
  /** Container names (`<project>-<hostname>`). */
  readonly containers: readonly string[];
  readonly topics: readonly ExpectedTopic[];
  readonly pipelines: readonly ExpectedPipeline[];
  /** Names of the images the stack builds (`<project>/...:src-<hash>`). */
  readonly builtImages: readonly string[];
  readonly volumes: readonly string[];
  readonly network: string;
  /** Absent when the stack runs no Kafka UI. */
  readonly kafkaUi?: ExpectedKafkaUi;
  readonly grafana: ExpectedGrafana;
  /** Every index template the deploy puts (one per pipeline with sinks), as its provisioner gets it. */
  readonly indexTemplates: readonly IndexTemplateSpec[];
  /**
   * Absent when the stack gives ksqlDB no processing-log appender (a secured external cluster,
   * platform/ksqldb.ts) or no pipeline has a JSON source stream to probe it with.
   */
  readonly processingLog?: ExpectedProcessingLog;
}

function section(tf: Json, type: string): Record<string, Json> {
  return ((tf.resource as Record<string, Record<string, Json>> | undefined) ?? {})[type] ?? {};
}

interface RestInput {
  readonly endpoint: string;
  readonly spec: string;
}

function restSpecs<T>(tf: Json, prefix: string): T[] {
  return Object.entries(section(tf, 'terraform_data'))
    .filter(([id]) => id.startsWith(prefix))
    .map(([, r]) => JSON.parse((r.input as RestInput).spec) as T);
}

/** The Kafka UI container's environment (`KEY=value` entries) read as kafbat reads its first cluster. */
function expectedKafkaUi(tf: Json): ExpectedKafkaUi | undefined {
  const container = Object.values(section(tf, 'docker_container')).find((c) => c.hostname === 'kafka-ui');
  if (!container) return undefined;
  const env = new Map(((container.env ?? []) as string[]).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const connects: string[] = [];
  for (let j = 0; env.has(`KAFKA_CLUSTERS_0_KAFKACONNECT_${j}_NAME`); j++) connects.push(env.get(`KAFKA_CLUSTERS_0_KAFKACONNECT_${j}_NAME`)!);
  return {
    cluster: env.get('KAFKA_CLUSTERS_0_NAME') ?? '',
    connects,
    schemaRegistry: env.has('KAFKA_CLUSTERS_0_SCHEMAREGISTRY'),
    ksqldb: env.has('KAFKA_CLUSTERS_0_KSQLDBSERVER'),
  };
}

/**
 * The Grafana container's provisioning files and anonymous setting, as the stack synthesized them.
 * Behind the TLS proxy of authenticated access no request without a login reaches Grafana, so
 * anonymous viewing is refused there whatever Grafana's own setting.
 */
export function expectedGrafana(tf: Json): ExpectedGrafana {
  const grafana = Object.values(section(tf, 'docker_container')).find((c) => c.hostname === 'grafana');
  const uploads = (grafana?.upload ?? []) as Array<{ file: string; content: string }>;
  const datasources = uploads
    .filter((u) => u.file.startsWith(`${PROVISIONING_DIR}/datasources/`))
    .flatMap((u) => (JSON.parse(u.content) as { datasources: Array<{ uid: string }> }).datasources.map((d) => d.uid));
  const dashboards = uploads
    .filter((u) => u.file.startsWith(`${DASHBOARDS_DIR}/`))
    .map((u): ExpectedDashboard => {
      const d = JSON.parse(u.content) as { uid: string; title: string; tags?: string[] };
      const pipeline = (d.tags ?? []).find((t): t is PipelineName => (PIPELINE_NAMES as readonly string[]).includes(t));
      return { uid: d.uid, title: d.title, ...(pipeline ? { pipeline } : {}) };
    });
  const anonymousEnabled = ((grafana?.env ?? []) as string[]).includes('GF_AUTH_ANONYMOUS_ENABLED=true');
  return { dashboards, datasources, anonymousViewing: anonymousEnabled && synthesizedAccess(tf) === 'open' };
}

/** A deployed statement parsed back (its text is the one the deploy sent, topic prefix included). */
function parsed(s: ExpectedStatement): KsqlStatement | undefined {
  return parseScript(s.file, s.statement).statements[0];
}

/** The objects a pipeline's persistent queries write, each with the topic ksqlDB writes it to. */
function expectedOutputs(statements: readonly ExpectedStatement[]): ExpectedOutput[] {
  return statements
    .filter((s) => s.form === 'CREATE_AS_SELECT')
    .map((s) => {
      const statement = parsed(s);
      // Without KAFKA_TOPIC ksqlDB names the topic after the object (the stack's sink-topic rule sets it everywhere).
      return { object: s.name, topic: (statement && statementTopic(statement)) ?? s.name, emitFinal: /\bEMIT\s+FINAL\b/i.test(s.statement) };
    });
}

/**
 * The processing-log wiring from the ksqlDB container's environment, with the stream to probe it
 * through: a JSON source stream (ratings first, the brief's example) that a persistent query reads.
 */
function expectedProcessingLog(tf: Json, statements: readonly ExpectedStatement[]): ExpectedProcessingLog | undefined {
  const ksqldb = Object.values(section(tf, 'docker_container')).find((c) => c.hostname === 'ksqldb');
  const env = ((ksqldb?.env ?? []) as string[]).find((e) => e.startsWith('KSQL_LOG4J_PROCESSING_LOG_TOPIC='));
  if (!env) return undefined;
  const all = statements.map(parsed).filter((s): s is KsqlStatement => s !== undefined);
  const read = new Set(all.filter((s) => s.form !== 'CREATE').flatMap((s) => s.sources.map((r) => r.name.toUpperCase())));
  const candidates = all.filter(
    (s) => s.form === 'CREATE' && s.kind === 'STREAM' && String(s.properties.VALUE_FORMAT?.value ?? '').toUpperCase() === 'JSON' && read.has(s.name.toUpperCase()),
  );
  const probe = candidates.find((s) => s.name.toUpperCase() === 'RATINGS') ?? candidates[0];
  const topic = probe && statementTopic(probe);
  if (!probe || !topic) return undefined;
  return { topic: env.slice(env.indexOf('=') + 1), probe: { stream: probe.name, topic } };
}

/** Reads the expectations of one synthesized stack (cdk.tf.json) deployed with `config`. */
export function expectedDeployment(tf: Json, config: LabConfig): ExpectedDeployment {
  const containers = Object.values(section(tf, 'docker_container')).map((c) => c.name as string).sort();
  const topics = Object.values(section(tf, 'kafka_topic'))
    .map((t) => ({
      name: t.name as string,
      partitions: t.partitions as number,
      replicationFactor: t.replication_factor as number,
      config: (t.config ?? {}) as Record<string, string>,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const statements = restSpecs<ExpectedStatement>(tf, 'ksql_');
  const connectors = restSpecs<{ name: string; config: Record<string, string> }>(tf, 'connect_');
  // Read through the applier's own validation: a spec it would refuse fails here, before the deploy.
  const indexTemplates = restSpecs<unknown>(tf, 'elasticsearch_').map(validateIndexTemplateSpec);
  const savedObjects = restSpecs<ExpectedSavedObject>(tf, 'kibana_').map(({ type, id }) => ({ type, id }));
  const pinotTables = restSpecs<{ schema: { schemaName: string }; tableConfig: { tableName: string; tableType: string } }>(tf, 'pinot_');
  const builtImages = Object.values(section(tf, 'docker_image'))
    .map((i) => i.name as string)
    .filter((n) => n.startsWith(`${config.project}/`));
  const volumes = Object.values(section(tf, 'docker_volume')).map((v) => v.name as string);

  const pipelines = config.pipelines.map((name): ExpectedPipeline => {
    const decl = PIPELINES[name];
    const kafkaDatasets = decl.datasets.filter((d) => DATASET_SCHEMAS[d].sink.kind === 'kafka');
    const cdc = decl.datasets.map((d) => DATASET_SCHEMAS[d].sink).find((s) => s.kind === 'database');
    const own = statements.filter((s) => s.file === decl.ksqlFile);
    // Topics as the cluster names them: under kafka.topicPrefix.
    const onCluster = (topic: string): string => deployedTopicName(config.kafka.topicPrefix, topic);
    const cdcTopic = cdc?.kind === 'database' ? onCluster(cdc.cdcTopic) : undefined;
    const producerTopics = kafkaDatasets.flatMap((d) => datasetTopicNames(DATASET_SCHEMAS[d])).map(onCluster);
    const sinkIndices = decl.sinks.map((s) => s.object.toLowerCase());
    const pipelineConnectors = connectors
      .filter((c) => sinkIndices.some((index) => c.name === `es-sink-${index}`) || (cdcTopic !== undefined && (c.config['topic.prefix'] ?? '') !== '' && cdcTopic.startsWith(`${c.config['topic.prefix']}.`)))
      .map((c) => c.name);
    return {
      name,
      producerTopics: [...new Set(producerTopics)].sort(),
      cdcTopic,
      paymentsApi: decl.apiProduces !== undefined,
      statements: own,
      outputs: expectedOutputs(own),
      connectors: pipelineConnectors.sort(),
      indices: sinkIndices,
      // A pipeline's data views are named after its sink indices; its other objects carry its name.
      kibanaObjects: savedObjects.filter((o) => sinkIndices.includes(o.id) || o.id.startsWith(`${name}-`)),
      pinotTables: pinotTables
        .filter((t) => decl.pinot !== undefined && t.tableConfig.tableName === pinotTableName(decl.pinot.object))
        .map((t) => ({ table: t.tableConfig.tableName, tableType: t.tableConfig.tableType, schema: t.schema.schemaName })),
    };
  });

  return {
    project: config.project,
    containers,
    topics,
    pipelines,
    builtImages,
    volumes,
    network: `${config.project}-net`,
    kafkaUi: expectedKafkaUi(tf),
    grafana: expectedGrafana(tf),
    indexTemplates,
    processingLog: expectedProcessingLog(tf, statements),
  };
}
