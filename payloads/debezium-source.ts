/**
 * The Debezium MariaDB source of a database dataset (moodle_logs): the rows of its table become
 * flat JSON records on the dataset's CDC topic, with exactly the dataset's fields, which the moodle
 * ksqlDB stream reads with the same declared columns.
 *
 * Secrets stay out of the spec (and so out of Terraform's JSON and Connect's config topic): the
 * password, and any Kafka client property of an external cluster, are `${env:NAME}` references that
 * the worker resolves through Kafka's EnvVarConfigProvider (config.providers=env).
 */
import { deployedTopicName } from '../lib/topic-prefix';
import type { ConnectorSpec } from '../ops/connect/rest';
import type { DatasetSchema } from '../generators/schema';

export const DEBEZIUM_MARIADB_CLASS = 'io.debezium.connector.mariadb.MariaDbConnector';

export interface CdcDatabase {
  /** Host name as the Connect worker reaches it. */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Environment variable of the Connect worker that holds the user's password. */
  readonly passwordEnvVar: string;
  /** Database (schema) that holds the dataset's table. */
  readonly name: string;
}

export interface CdcKafka {
  /** Bootstrap servers as the Connect worker reaches them, for the schema history topic. */
  readonly bootstrapServers: string;
  /**
   * Names of the client properties of an external cluster (security.protocol, sasl.jaas.config, ...).
   * Their values are read from the worker's CONNECT_<NAME> environment variables, where the stack
   * already puts them, so none of them is written into the connector config.
   */
  readonly clientPropertyNames?: readonly string[];
  /**
   * kafka.topicPrefix: Debezium's topic prefix and its schema history topic start with it.
   * @default '' (none)
   */
  readonly topicPrefix?: string;
}

export interface DebeziumSourceParams {
  readonly dataset: DatasetSchema;
  readonly database: CdcDatabase;
  readonly kafka: CdcKafka;
  /** Replication client id, unique among the database's replicas. */
  readonly serverId?: number;
  readonly connectorName?: string;
}

/** Connect's EnvVarConfigProvider syntax, resolved by the worker when the task starts. */
export function envReference(variable: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new Error(`"${variable}" is not an environment variable name`);
  return `\${env:${variable}}`;
}

/** The worker env variable a Confluent image turns into a worker property: sasl.jaas.config -> CONNECT_SASL_JAAS_CONFIG. */
export function workerEnvVariable(property: string): string {
  return `CONNECT_${property.toUpperCase().replace(/\./g, '_')}`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** topic.prefix such that Debezium's topic `<prefix>.<database>.<table>` is the dataset's CDC topic. */
export function topicPrefixFor(dataset: DatasetSchema, database: string): string {
  const sink = dataset.sink;
  if (sink.kind !== 'database') throw new Error(`dataset ${dataset.name} is not written to a database, so it has no CDC source`);
  const suffix = `.${database}.${sink.table}`;
  if (!sink.cdcTopic.endsWith(suffix) || sink.cdcTopic.length === suffix.length) {
    throw new Error(
      `dataset ${dataset.name}: CDC topic "${sink.cdcTopic}" is not "<prefix>${suffix}", the name Debezium gives table ${sink.table} of database ${database}`,
    );
  }
  return sink.cdcTopic.slice(0, -suffix.length);
}

export function debeziumSourceConnector(params: DebeziumSourceParams): ConnectorSpec {
  const { dataset, database, kafka } = params;
  if (dataset.sink.kind !== 'database') throw new Error(`dataset ${dataset.name} is not written to a database, so it has no CDC source`);
  const table = dataset.sink.table;
  const prefix = topicPrefixFor(dataset, database.name);
  const qualifiedTable = `${database.name}.${table}`;
  const columns = dataset.fields.map((f) => escapeRegex(f.name)).join('|');

  const historyClient: Record<string, string> = {};
  for (const property of kafka.clientPropertyNames ?? []) {
    const reference = envReference(workerEnvVariable(property));
    historyClient[`schema.history.internal.producer.${property}`] = reference;
    historyClient[`schema.history.internal.consumer.${property}`] = reference;
  }

  return {
    name: params.connectorName ?? `${prefix}-cdc`,
    config: {
      'connector.class': DEBEZIUM_MARIADB_CLASS,
      'tasks.max': '1',
      'database.hostname': database.host,
      'database.port': String(database.port),
      'database.user': database.user,
      'database.password': envReference(database.passwordEnvVar),
      'database.server.id': String(params.serverId ?? 184054),
      'topic.prefix': deployedTopicName(kafka.topicPrefix ?? '', prefix),
      'database.include.list': database.name,
      'table.include.list': escapeRegex(qualifiedTable),
      // Exactly the dataset's columns, whatever else the table holds.
      'column.include.list': `${escapeRegex(qualifiedTable)}\\.(${columns})`,
      'include.schema.changes': 'false',
      'snapshot.mode': 'initial',
      'schema.history.internal.kafka.bootstrap.servers': kafka.bootstrapServers,
      'schema.history.internal.kafka.topic': deployedTopicName(kafka.topicPrefix ?? '', `_${prefix}-cdc-schema-history`),
      ...historyClient,
      // Numbers stay JSON numbers (no base64 decimals), as the stream's BIGINT/DOUBLE columns expect.
      'decimal.handling.mode': 'double',
      'bigint.unsigned.handling.mode': 'long',
      // The table is an append-only log: a delete is not an event of the stream.
      'tombstones.on.delete': 'false',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      // Flat rows (the `after` state) instead of Debezium's change envelope.
      transforms: 'unwrap',
      'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
      'transforms.unwrap.delete.tombstone.handling.mode': 'drop',
      // If the topic does not exist yet, Connect creates it with the broker's defaults.
      'topic.creation.default.replication.factor': '-1',
      'topic.creation.default.partitions': '-1',
    },
  };
}
