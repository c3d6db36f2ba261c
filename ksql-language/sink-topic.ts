/**
 * The settings ksqlDB derives for the topic a CREATE ... AS SELECT writes. The stack creates that
 * topic itself (as a Terraform resource) before the statement runs; when a topic already exists,
 * ksqlDB compares its partitions, replicas and retention with what it would have created and
 * refuses the statement on any difference ("A Kafka topic with the name '...' already exists, with
 * different partition/replica/retention configuration than required"). So the stack must create
 * exactly what ksqlDB would.
 *
 * The rule, as ksqlDB 7.x implements it (TopicCreateInjector, TopicProperties.Builder,
 * TopicValidationUtil in confluentinc/ksql):
 * - partitions, replicas and retention come from the WITH clause (PARTITIONS, REPLICAS,
 *   RETENTION_MS) when given, else from the query's primary source topic (the FROM side of a join);
 *   a source topic without its own retention.ms has the broker's default;
 * - a stream's topic is `cleanup.policy=delete` with that retention;
 * - a table's topic is `compact`, without retention (ksqlDB refuses RETENTION_MS on it);
 * - a windowed table's topic is `compact,delete` with retention max(source or WITH retention,
 *   the WINDOW clause's RETENTION).
 */
import type { KsqlStatement } from './parser';

/** What a kafka_topic resource is created with. */
export interface TopicSettings {
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic-level configuration: cleanup.policy always, retention.ms where it applies. */
  readonly config: Readonly<Record<string, string>>;
}

/**
 * Kafka's default retention (log.retention.hours=168), which a topic without its own retention.ms
 * reports. The stack's brokers keep that default; every stream topic the stack creates sets its own.
 */
export const KAFKA_DEFAULT_RETENTION_MS = 604_800_000;

/** The retention a topic reports to ksqlDB: its own retention.ms, or the broker's default. */
export function effectiveRetentionMs(topic: TopicSettings): number {
  const own = topic.config['retention.ms'];
  return own === undefined ? KAFKA_DEFAULT_RETENTION_MS : Number(own);
}

export class SinkTopicRuleError extends Error {}

function numberProperty(s: KsqlStatement, name: string): number | undefined {
  const p = s.properties[name];
  if (p === undefined) return undefined;
  const n = Number(p.value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new SinkTopicRuleError(`${s.file}:${p.line}: ${s.name} sets ${name}=${String(p.value)} — ${name} must be a positive whole number`);
  }
  return n;
}

/**
 * The settings of the topic that `statement` (a CREATE STREAM|TABLE ... AS SELECT) writes, given
 * the settings of its primary source's topic.
 */
export function ksqlSinkTopicSettings(statement: KsqlStatement, source: TopicSettings): TopicSettings {
  if (statement.form !== 'CREATE_AS_SELECT') {
    throw new SinkTopicRuleError(`${statement.file}:${statement.line}: ${statement.name} is a ${statement.form}, not a CREATE ... AS SELECT: it creates no topic`);
  }
  const partitions = numberProperty(statement, 'PARTITIONS') ?? source.partitions;
  const replicationFactor = numberProperty(statement, 'REPLICAS') ?? source.replicationFactor;
  const withRetention = numberProperty(statement, 'RETENTION_MS');
  const retention = withRetention ?? effectiveRetentionMs(source);

  if (statement.kind === 'STREAM') {
    return { partitions, replicationFactor, config: { 'cleanup.policy': 'delete', 'retention.ms': String(retention) } };
  }
  if (!statement.windowed) {
    if (withRetention !== undefined) {
      throw new SinkTopicRuleError(
        `${statement.file}:${statement.properties.RETENTION_MS.line}: TABLE ${statement.name} sets RETENTION_MS — ksqlDB refuses it: non-windowed tables do not support retention (their topic is compacted); remove it`,
      );
    }
    return { partitions, replicationFactor, config: { 'cleanup.policy': 'compact' } };
  }
  const windowed = Math.max(retention, statement.windowRetentionMs ?? 0);
  return { partitions, replicationFactor, config: { 'cleanup.policy': 'compact,delete', 'retention.ms': String(windowed) } };
}
