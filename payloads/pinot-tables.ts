/**
 * A pipeline's REALTIME Pinot table, derived from its `pinot` declaration and the ksqlDB object
 * behind it: the table consumes the object's topic, its columns are the object's value columns
 * under the names ksqlDB writes (upper case: Pinot matches JSON keys case-sensitively), the
 * epoch-millisecond columns (the index templates' time rule) are date-time fields, and the
 * declared time column is the table's time column.
 */
import { deployedTopicName } from '../lib/topic-prefix';
import { ProblemListError } from '../lib/problem-list-error';
import { valueColumns } from '../ksql-language/columns';
import type { KsqlStatement } from '../ksql-language/parser';
import type { PinotTableSpec } from '../ops/pinot/applier';
import { objectTopic, valueFormatOf } from './elasticsearch-sinks';
import { isTemplateTimeColumn } from './index-templates';
import type { PinotDataType, PipelineDecl } from '../pipelines/types';

/**
 * Pinot 1.5's Kafka consumer (the kafka-3.0 plugin; the kafka-2.0 one is gone) and the decoder of
 * JSON values. Pinot 1.x only has the partition-level consumer, so no consumer type is set.
 */
export const PINOT_KAFKA_CONSUMER_FACTORY = 'org.apache.pinot.plugin.stream.kafka30.KafkaConsumerFactory';
export const PINOT_JSON_DECODER = 'org.apache.pinot.plugin.stream.kafka.KafkaJSONMessageDecoder';

export class PinotDeclarationError extends ProblemListError {
  constructor(pipeline: string, problems: readonly string[]) {
    super(`Pinot table of pipeline ${pipeline} (pipelines/catalog.ts) failed validation`, problems);
    this.name = 'PinotDeclarationError';
  }
}

export interface PinotKafka {
  /** Bootstrap servers as Pinot's server reaches them (inside the lab network). */
  readonly bootstrapServers: string;
  /** Further consumer properties (security.protocol, sasl.*): Pinot hands its stream config to the consumer. */
  readonly clientProperties: Readonly<Record<string, string>>;
  /** kafka.topicPrefix: the table consumes the object's topic under its deployed name. */
  readonly topicPrefix: string;
}

/** Pinot table names follow the Elasticsearch index rule: the object's name in lower case. */
export function pinotTableName(object: string): string {
  return object.toLowerCase();
}

function fieldSpec(name: string, dataType: PinotDataType): { name: string; dataType: PinotDataType } {
  return { name, dataType };
}

/** The schema and REALTIME table config of a pipeline with a `pinot` declaration. */
export function pinotTable(decl: PipelineDecl, statements: readonly KsqlStatement[], kafka: PinotKafka): PinotTableSpec {
  const pinot = decl.pinot;
  if (!pinot) throw new Error(`pipeline ${decl.name} declares no Pinot table`);
  const byName = new Map(statements.filter((s) => s.kind !== 'INSERT').map((s) => [s.name, s]));
  const statement = byName.get(pinot.object);
  if (!statement) throw new PinotDeclarationError(decl.name, [`the table reads ${pinot.object}, which ${decl.ksqlFile} does not create — create it there, or name one it creates`]);
  const where = `${statement.file}:${statement.line}`;
  const problems: string[] = [];
  const format = valueFormatOf(statement, byName);
  if (format !== 'JSON') problems.push(`${where}: ${pinot.object} writes ${format ?? 'an unknown format'}; the table decodes JSON — set VALUE_FORMAT='JSON'`);

  const fields = valueColumns(statement, byName);
  const times = fields.filter((f) => isTemplateTimeColumn(f));
  const metrics = pinot.metrics;
  const dimensions = pinot.dimensions ?? {};
  if (!times.includes(pinot.timeColumn)) {
    problems.push(`time column ${pinot.timeColumn} is not an epoch-millisecond value column of ${pinot.object} (those are: ${times.join(', ') || 'none'}) — name one of them`);
  }
  for (const field of fields) {
    const typed = [field in metrics, field in dimensions, times.includes(field)].filter(Boolean).length;
    if (typed !== 1) {
      problems.push(`value column ${field} of ${pinot.object} must be exactly one of: a time column (by name), a metric, a dimension — it is ${typed === 0 ? 'none' : 'several'}`);
    }
  }
  for (const declared of [...Object.keys(metrics), ...Object.keys(dimensions)]) {
    if (!fields.includes(declared)) problems.push(`${declared} is declared, but ${pinot.object} does not write it (its values hold ${fields.join(', ')}) — remove it or name one of those`);
  }
  if (problems.length) throw new PinotDeclarationError(decl.name, problems);

  const name = pinotTableName(pinot.object);
  const inOrder = (record: Readonly<Record<string, PinotDataType>>) => fields.filter((f) => f in record).map((f) => fieldSpec(f, record[f]));
  const clientProperties = Object.fromEntries(Object.entries(kafka.clientProperties));
  return {
    schema: {
      schemaName: name,
      dimensionFieldSpecs: inOrder(dimensions),
      metricFieldSpecs: inOrder(metrics),
      dateTimeFieldSpecs: times.map((f) => ({ ...fieldSpec(f, 'LONG'), format: '1:MILLISECONDS:EPOCH', granularity: '1:MILLISECONDS' })),
    },
    tableConfig: {
      tableName: name,
      tableType: 'REALTIME',
      // No segmentsConfig.schemaName: Pinot 1.x dropped it and finds the schema by the raw table name.
      segmentsConfig: { timeColumnName: pinot.timeColumn, replication: '1', retentionTimeUnit: 'DAYS', retentionTimeValue: '7' },
      tenants: {},
      tableIndexConfig: { loadMode: 'MMAP' },
      ingestionConfig: {
        streamIngestionConfig: {
          streamConfigMaps: [
            {
              streamType: 'kafka',
              'stream.kafka.topic.name': deployedTopicName(kafka.topicPrefix, objectTopic(statement)),
              'stream.kafka.broker.list': kafka.bootstrapServers,
              'stream.kafka.consumer.factory.class.name': PINOT_KAFKA_CONSUMER_FACTORY,
              'stream.kafka.decoder.class.name': PINOT_JSON_DECODER,
              // From the topic's start: windows written before the table existed are counted too.
              'stream.kafka.consumer.prop.auto.offset.reset': 'smallest',
              // A lab's trickle of rows: commit a segment every hour or 50,000 rows, whichever comes first.
              'realtime.segment.flush.threshold.time': '1h',
              'realtime.segment.flush.threshold.rows': '50000',
              ...clientProperties,
            },
          ],
        },
      },
      metadata: {},
    },
  };
}
