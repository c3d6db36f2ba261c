/**
 * The shape of a dataset: the single source for its generator's output, its JSON/Avro/Protobuf
 * schemas, and the column list that a ksqlDB source stream over its topic must declare.
 */

/** Logical field types. Timestamps are epoch milliseconds (`timestamp_ms`), as ksqlDB's TIMESTAMP='col' expects. */
export type FieldType = 'string' | 'int' | 'bigint' | 'double' | 'boolean' | 'timestamp_ms';

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly doc: string;
  /** A field that may be absent/null in produced records. */
  readonly optional?: boolean;
}

/** Where a dataset's records go: a Kafka topic, or rows in the CDC database table. */
export type DatasetSink =
  | {
      readonly kind: 'kafka';
      /** Topic for the first of `formats`. */
      readonly topic: string;
      /** Per-format topics when a dataset is produced in several formats (payments: payment_json, ...). */
      readonly topicByFormat?: Readonly<Partial<Record<ValueFormat, string>>>;
    }
  | { readonly kind: 'database'; readonly table: string; readonly cdcTopic: string };

export type ValueFormat = 'JSON' | 'AVRO' | 'PROTOBUF';

/**
 * A dataset's name is the stem of its files (generators/datasets/<name>.schema.ts and <name>.ts):
 * snake_case, as its generator's CLI argument. The list of dataset names is derived from the
 * pipelines that consume them (pipelines/datasets.ts), so the type only keeps the literal.
 */
export interface DatasetSchema<Name extends string = string> {
  readonly name: Name;
  readonly description: string;
  readonly sink: DatasetSink;
  /** Value fields, in order. */
  readonly fields: readonly FieldSpec[];
  /** The value field whose value is the Kafka message key (a string), or undefined for unkeyed data. */
  readonly keyField?: string;
  /** The value field that holds event time (epoch ms); Kafka record timestamps equal it. */
  readonly timestampField?: string;
  /** Value formats this dataset is produced in. */
  readonly formats: readonly ValueFormat[];
  /** Values are framed with a Schema Registry id (Confluent wire format), JSON included. */
  readonly viaSchemaRegistry?: boolean;
}

/** Declares a dataset schema, keeping its name as a literal type so the dataset names can be derived. */
export function datasetSchema<Name extends string>(schema: DatasetSchema<Name>): DatasetSchema<Name> {
  return schema;
}

/** ksqlDB's VALUE_FORMAT for a dataset's format: registry-framed JSON is ksqlDB's JSON_SR. */
export function ksqlValueFormat(schema: DatasetSchema, format: ValueFormat): string {
  return format === 'JSON' && schema.viaSchemaRegistry ? 'JSON_SR' : format;
}

/** ksqlDB SQL type of each logical type. Timestamps stay BIGINT epoch ms so TIMESTAMP='col' can use them. */
export const KSQL_TYPE: Readonly<Record<FieldType, string>> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp_ms: 'BIGINT',
};

/** The topic a dataset's records can be read from by ksqlDB (the CDC topic for database datasets). */
export function datasetTopic(schema: DatasetSchema): string {
  return schema.sink.kind === 'kafka' ? schema.sink.topic : schema.sink.cdcTopic;
}

/** Every topic a dataset's records land in: its CDC topic, or its topic and per-format topics. */
export function datasetTopicNames(schema: DatasetSchema): string[] {
  const sink = schema.sink;
  return sink.kind === 'database' ? [sink.cdcTopic] : [...new Set([sink.topic, ...Object.values(sink.topicByFormat ?? {})])];
}
