/**
 * Every Kafka topic the enabled pipelines need, with the settings it is created with: the
 * datasets' topics, the topics that source declarations read, and the sink topic of every
 * CREATE ... AS SELECT, which gets exactly what ksqlDB would derive for it (ksql-language/sink-topic.ts).
 */
import type { TopicDecl } from '../constructs/kafka-topics';
import type { KafkaConfig } from '../config/types';
import { DATASET_SCHEMAS } from '../pipelines/datasets';
import { datasetTopicNames } from '../generators/schema';
import type { KsqlStatement } from '../ksql-language/parser';
import { ksqlSinkTopicSettings, type TopicSettings } from '../ksql-language/sink-topic';
import { statementTopic, type ScriptGraph } from '../ksql-language/validator';
import type { PipelineDecl } from '../pipelines/types';

const HOUR_MS = 3_600_000;

/** A topic the stack's producers write: events expire after the configured retention. */
export function streamTopicSettings(kafka: KafkaConfig, replicationFactor: number): TopicSettings {
  return {
    partitions: kafka.topicPartitions,
    replicationFactor,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(kafka.retentionHours * HOUR_MS) },
  };
}

/** A topic read as a TABLE: the latest value per key is kept. */
export function tableTopicSettings(kafka: KafkaConfig, replicationFactor: number): TopicSettings {
  return { partitions: kafka.topicPartitions, replicationFactor, config: { 'cleanup.policy': 'compact' } };
}

/**
 * The topics of `pipelines`, whose scripts `graph` holds (validated together, statements in
 * dependency order so that a query's source topic is settled before its sink's).
 */
export function planPipelineTopics(pipelines: readonly PipelineDecl[], graph: ScriptGraph, kafka: KafkaConfig, replicationFactor: number): TopicDecl[] {
  const topics = new Map<string, TopicSettings>();
  for (const dataset of new Set(pipelines.flatMap((p) => p.datasets))) {
    for (const name of datasetTopicNames(DATASET_SCHEMAS[dataset])) topics.set(name, streamTopicSettings(kafka, replicationFactor));
  }
  const written = new Set(graph.createdTopics.map((t) => t.topic));
  const topicOf = (s: KsqlStatement): string | undefined => statementTopic(s);

  for (const s of graph.statements) {
    const topic = topicOf(s);
    if (!topic) continue;
    if (s.form === 'CREATE' && !written.has(topic)) {
      // A topic read as a table anywhere is compacted; otherwise a declaration reads a dataset topic as it is.
      if (s.kind === 'TABLE') topics.set(topic, tableTopicSettings(kafka, replicationFactor));
      else if (!topics.has(topic)) topics.set(topic, streamTopicSettings(kafka, replicationFactor));
    } else if (s.form === 'CREATE_AS_SELECT') {
      topics.set(topic, ksqlSinkTopicSettings(s, sourceTopicSettings(s, graph, topics)));
    }
  }
  return [...topics].map(([name, settings]) => ({ name, ...settings })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The settings of the topic a query's primary source (the FROM side of a join) reads. */
function sourceTopicSettings(s: KsqlStatement, graph: ScriptGraph, topics: ReadonlyMap<string, TopicSettings>): TopicSettings {
  const primary = graph.byName.get(s.sources[0]?.name ?? '');
  const topic = primary ? statementTopic(primary) : undefined;
  const settings = topic ? topics.get(topic) : undefined;
  if (!settings) {
    // The validator guarantees every source resolves and precedes its readers; this is a bug, not a user error.
    throw new Error(`${s.file}:${s.line}: ${s.name} reads ${s.sources[0]?.name ?? '(nothing)'}, whose topic was not planned before it`);
  }
  return settings;
}
