/**
 * Elasticsearch sink connectors, derived from a pipeline's `sinks` and the statements of its ksqlDB
 * script. One connector per sink object, writing the object's topic into an index named after the
 * object in lower case (RegexRouter: the Confluent sink names the index after the topic).
 *
 * Document ids:
 * - stream: `key.ignore=true`, every record is a new document (topic+partition+offset).
 * - table: the id is the record key's raw bytes, base64-encoded (ByteArrayConverter, then
 *   Cast$Key to string, which base64-encodes bytes). ksqlDB serializes a table key deterministically,
 *   and a windowed key is the group key followed by the window start (and end, for sessions), so the
 *   id is stable and unique per key and window, whatever the key's format and type. An update
 *   overwrites the document (the sink versions it by offset) and a tombstone, which carries the same
 *   key, deletes it (`behavior.on.null.values=delete`): a session merged away or a window that stops
 *   matching a HAVING clause leaves the index too.
 */
import { deployedTopicName } from '../lib/topic-prefix';
import { ProblemListError } from '../lib/problem-list-error';
import type { KsqlStatement } from '../ksql-language/parser';
import type { ConnectorSpec } from '../ops/connect/rest';
import { DATASET_SCHEMAS } from '../pipelines/datasets';
import type { PipelineDecl } from '../pipelines/types';

export const ELASTICSEARCH_SINK_CLASS = 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector';

const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';
const BYTES_CONVERTER = 'org.apache.kafka.connect.converters.ByteArrayConverter';

/** Value converters of the Confluent Connect image for the ksqlDB value formats a sink can read. */
const VALUE_CONVERTERS: Readonly<Record<string, { readonly converter: string; readonly registry: boolean }>> = {
  JSON: { converter: JSON_CONVERTER, registry: false },
  AVRO: { converter: 'io.confluent.connect.avro.AvroConverter', registry: true },
  PROTOBUF: { converter: 'io.confluent.connect.protobuf.ProtobufConverter', registry: true },
  JSON_SR: { converter: 'io.confluent.connect.json.JsonSchemaConverter', registry: true },
};

/** Streams append (offset ids); tables upsert and delete by their key (base64 of its bytes). */
export type SinkIdStrategy = 'offset' | 'key-bytes';

/** A sink object resolved against its statement: everything the connector config needs. */
export interface SinkTarget {
  readonly pipeline: string;
  /** ksqlDB object name. */
  readonly object: string;
  readonly kind: 'STREAM' | 'TABLE';
  readonly topic: string;
  readonly index: string;
  readonly valueFormat: string;
  readonly id: SinkIdStrategy;
  /** Record fields the sink renames to the object's columns, [field, column] (see fieldRenames). */
  readonly renames: readonly (readonly [string, string])[];
}

/**
 * A sink of a declared source (CREATE STREAM over a generator's topic, no query) indexes the
 * records as the generator wrote them. ksqlDB reads their fields without regard to case, but index
 * fields are case-sensitive, and the dashboards query the object's columns: OpenSearch answered
 * no Moodle prediction panel ('created_date' indexed, 'CREATED_DATE' queried). So the sink renames
 * every field whose spelling differs from its column; a query's output already carries the columns.
 */
export function fieldRenames(s: KsqlStatement, pipeline: PipelineDecl): [string, string][] {
  if (s.form !== 'CREATE') return [];
  const topic = objectTopic(s);
  const dataset = pipeline.datasets
    .map((d) => DATASET_SCHEMAS[d])
    .find((d) => d.sink.kind === 'kafka' && (d.sink.topic === topic || Object.values(d.sink.topicByFormat ?? {}).includes(topic)));
  if (!dataset) return [];
  return s.columns.flatMap((c): [string, string][] => {
    if (c.role) return [];
    const field = dataset.fields.find((f) => f.name.toUpperCase() === c.name.toUpperCase());
    return field && field.name !== c.name ? [[field.name, c.name]] : [];
  });
}

export interface SinkProblem {
  readonly where: string;
  readonly problem: string;
  readonly fix: string;
}

export class SinkDeclarationError extends ProblemListError {
  constructor(readonly problems: readonly SinkProblem[]) {
    super('Elasticsearch sinks failed validation', problems.map((p) => `${p.where}: ${p.problem} — ${p.fix}`));
    this.name = 'SinkDeclarationError';
  }
}

function stringProperty(s: KsqlStatement, name: string): string | undefined {
  const p = s.properties[name];
  return p === undefined ? undefined : String(p.value).toUpperCase();
}

/** The topic ksqlDB writes: KAFKA_TOPIC if set, otherwise the object name. */
export function objectTopic(s: KsqlStatement): string {
  const p = s.properties.KAFKA_TOPIC;
  return p === undefined ? s.name : String(p.value);
}

/** Value format as ksqlDB decides it: VALUE_FORMAT, else FORMAT, else inherited from the first source. */
export function valueFormatOf(s: KsqlStatement, byName: ReadonlyMap<string, KsqlStatement>, seen = new Set<string>()): string | undefined {
  const own = stringProperty(s, 'VALUE_FORMAT') ?? stringProperty(s, 'FORMAT');
  if (own) return own;
  const source = s.sources[0] && byName.get(s.sources[0].name);
  if (!source || seen.has(s.name)) return undefined;
  seen.add(s.name);
  return valueFormatOf(source, byName, seen);
}

/** Elasticsearch index names: lower case, no leading -, _ or +, none of \ / * ? " < > | , # : or space. */
export function indexName(object: string): string {
  return object.toLowerCase();
}

function isValidIndexName(name: string): boolean {
  return /^[a-z0-9][a-z0-9_.-]*$/.test(name) && name.length <= 255;
}

/**
 * Resolves each sink of a pipeline against the statements of its script. Every problem of every
 * sink is reported together, naming the pipeline declaration and the statement's file and line.
 */
export function resolveSinkTargets(pipeline: PipelineDecl, statements: readonly KsqlStatement[]): SinkTarget[] {
  const byName = new Map(statements.filter((s) => s.kind !== 'INSERT').map((s) => [s.name, s]));
  const problems: SinkProblem[] = [];
  const targets: SinkTarget[] = [];
  const seen = new Set<string>();
  const decl = `pipelines/catalog.ts (${pipeline.name})`;

  for (const sink of pipeline.sinks) {
    const s = byName.get(sink.object);
    if (seen.has(sink.object)) {
      problems.push({ where: decl, problem: `sink ${sink.object} is listed twice`, fix: 'list each object once' });
      continue;
    }
    seen.add(sink.object);
    if (!s || (s.kind !== 'STREAM' && s.kind !== 'TABLE')) {
      problems.push({
        where: decl,
        problem: `sink ${sink.object} is not created by ${pipeline.ksqlFile}`,
        fix: `create it there, or remove it from the sinks of ${pipeline.name}`,
      });
      continue;
    }
    const where = `${s.file}:${s.line}`;
    const index = indexName(s.name);
    if (!isValidIndexName(index)) {
      problems.push({ where, problem: `${s.name} does not give a valid Elasticsearch index name ("${index}")`, fix: 'name the object with letters, digits and _' });
    }
    const valueFormat = valueFormatOf(s, byName);
    if (!valueFormat || !VALUE_CONVERTERS[valueFormat]) {
      problems.push({
        where,
        problem: `the value format of sink ${s.name} is ${valueFormat ?? 'unknown'}, which the Elasticsearch sink cannot read as documents`,
        fix: `set VALUE_FORMAT to one of ${Object.keys(VALUE_CONVERTERS).join(', ')}`,
      });
    }
    if (valueFormat) {
      const id: SinkIdStrategy = s.kind === 'STREAM' ? 'offset' : 'key-bytes';
      targets.push({ pipeline: pipeline.name, object: s.name, kind: s.kind, topic: objectTopic(s), index, valueFormat, id, renames: fieldRenames(s, pipeline) });
    }
  }
  if (problems.length) throw new SinkDeclarationError(problems);
  return targets;
}

export interface SinkConnectorOptions {
  /** Elasticsearch as the Connect worker reaches it (inside the lab network). */
  readonly elasticsearchUrl: string;
  /** Schema Registry as the Connect worker reaches it; required for AVRO, PROTOBUF and JSON_SR sinks. */
  readonly schemaRegistryUrl?: string;
  /**
   * kafka.topicPrefix: the sink reads the prefixed topic, its consumer group carries the prefix, and
   * the index keeps the object's name.
   * @default '' (none)
   */
  readonly topicPrefix?: string;
}

export function sinkConnectorName(target: SinkTarget): string {
  return `es-sink-${target.index}`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The Connect configuration of one sink, as PUT /connectors/{name}/config takes it. */
export function elasticsearchSinkConnector(target: SinkTarget, options: SinkConnectorOptions): ConnectorSpec {
  const value = VALUE_CONVERTERS[target.valueFormat];
  if (!value) throw new Error(`sink ${target.object}: no converter for value format ${target.valueFormat}`);
  if (value.registry && !options.schemaRegistryUrl) {
    throw new Error(`sink ${target.object} reads ${target.valueFormat} values: pass schemaRegistryUrl to the Elasticsearch sinks`);
  }
  const prefix = options.topicPrefix ?? '';
  const topic = deployedTopicName(prefix, target.topic);
  const config: Record<string, string> = {
    'connector.class': ELASTICSEARCH_SINK_CLASS,
    'tasks.max': '1',
    topics: topic,
    // Connect names a sink's group connect-<name>; on a shared cluster it must be under the prefix
    // (the lab's ACLs cover no other group). Kafka 3's default override policy allows this.
    ...(prefix ? { 'consumer.override.group.id': deployedTopicName(prefix, `connect-${sinkConnectorName(target)}`) } : {}),
    'connection.url': options.elasticsearchUrl,
    // Mappings come from the pipeline's index template, not from record schemas.
    'schema.ignore': 'true',
    'write.method': 'insert',
    // A document Elasticsearch rejects stops the task with the reason instead of vanishing.
    'behavior.on.malformed.documents': 'fail',
    // While a busy machine starts every service at once, Elasticsearch may take longer than the
    // connector's 3 s default to answer a bulk request; after max.retries (default 5, 100 ms apart,
    // doubling) the task stops for good. A rehearsal on two loaded cores saw exactly that.
    'read.timeout.ms': '30000',
    'max.retries': '10',
    'retry.backoff.ms': '500',
    'value.converter': value.converter,
    ...(value.registry ? { 'value.converter.schema.registry.url': options.schemaRegistryUrl! } : { 'value.converter.schemas.enable': 'false' }),
  };

  const transforms: string[] = [];
  if (target.id === 'offset') {
    Object.assign(config, {
      'key.ignore': 'true',
      // The key is not used; raw bytes never fail to convert, whatever its format.
      'key.converter': BYTES_CONVERTER,
      'behavior.on.null.values': 'ignore',
    });
  } else {
    transforms.push('keyToId');
    Object.assign(config, {
      'key.ignore': 'false',
      'key.converter': BYTES_CONVERTER,
      // Cast of BYTES to string is base64: a document id for any key format, windowed or not.
      'transforms.keyToId.type': 'org.apache.kafka.connect.transforms.Cast$Key',
      'transforms.keyToId.spec': 'string',
      'behavior.on.null.values': 'delete',
    });
  }
  if (target.renames.length) {
    transforms.push('toColumns');
    Object.assign(config, {
      'transforms.toColumns.type': 'org.apache.kafka.connect.transforms.ReplaceField$Value',
      'transforms.toColumns.renames': target.renames.map(([field, column]) => `${field}:${column}`).join(','),
    });
  }
  transforms.push('toIndex');
  Object.assign(config, {
    transforms: transforms.join(','),
    'transforms.toIndex.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.toIndex.regex': escapeRegex(topic),
    'transforms.toIndex.replacement': target.index,
  });
  return { name: sinkConnectorName(target), config };
}
