/**
 * The settings of a CREATE ... AS SELECT's topic follow ksqlDB's own rule (TopicCreateInjector):
 * each statement kind, with and without a source retention, and the WITH / WINDOW overrides.
 * Then, over every snapshot configuration of the real stack: each sink topic it creates is what
 * ksqlDB would derive from the source topic the stack creates, so no statement is refused with
 * "already exists, with different partition/replica/retention configuration".
 */
import { deployedTopicName } from '../../lib/topic-prefix';
import { PIPELINES } from '../../pipelines/catalog';
import { parseScript, type KsqlStatement } from '../../ksql-language/parser';
import { validatePipelineScripts } from '../../pipelines/scripts';
import { KAFKA_DEFAULT_RETENTION_MS, ksqlSinkTopicSettings, SinkTopicRuleError, type TopicSettings } from '../../ksql-language/sink-topic';
import { statementTopic } from '../../ksql-language/validator';
import { DATASET_SCHEMAS } from '../../pipelines/datasets';
import { configWith, resourcesOf, SNAPSHOT_CONFIGS, synthStack } from '../support/synth';

function statement(sql: string): KsqlStatement {
  const parsed = parseScript('ksql/t.sql', sql);
  expect(parsed.problems).toEqual([]);
  return parsed.statements[0];
}

const DAY = 86_400_000;
const STREAM_SOURCE: TopicSettings = { partitions: 3, replicationFactor: 2, config: { 'cleanup.policy': 'delete', 'retention.ms': String(DAY) } };
/** A topic without its own retention.ms reports the broker's default to ksqlDB. */
const NO_RETENTION_SOURCE: TopicSettings = { partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'delete' } };

describe('ksqlSinkTopicSettings', () => {
  it('a stream takes partitions, replicas and retention from its source and is deleted by retention', () => {
    const s = statement("CREATE STREAM BIG WITH (KAFKA_TOPIC='big') AS SELECT * FROM PAYMENTS WHERE AMOUNT > 10;");
    expect(ksqlSinkTopicSettings(s, STREAM_SOURCE)).toEqual({ partitions: 3, replicationFactor: 2, config: { 'cleanup.policy': 'delete', 'retention.ms': String(DAY) } });
    expect(ksqlSinkTopicSettings(s, NO_RETENTION_SOURCE).config).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': String(KAFKA_DEFAULT_RETENTION_MS) });
  });

  it('a non-windowed table is compacted, with no retention whatever its source has', () => {
    const s = statement("CREATE TABLE TOTALS WITH (KAFKA_TOPIC='totals') AS SELECT USER_ID, SUM(AMOUNT) AS TOTAL FROM PAYMENTS GROUP BY USER_ID;");
    expect(ksqlSinkTopicSettings(s, STREAM_SOURCE)).toEqual({ partitions: 3, replicationFactor: 2, config: { 'cleanup.policy': 'compact' } });
    expect(ksqlSinkTopicSettings(s, NO_RETENTION_SOURCE).config).toEqual({ 'cleanup.policy': 'compact' });
  });

  it('a windowed table is compacted and deleted, with its source retention or the broker default', () => {
    const s = statement(
      "CREATE TABLE PER_MIN WITH (KAFKA_TOPIC='per_min') AS SELECT USER_ID, COUNT(*) AS N FROM PAYMENTS WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY USER_ID;",
    );
    expect(ksqlSinkTopicSettings(s, STREAM_SOURCE)).toEqual({ partitions: 3, replicationFactor: 2, config: { 'cleanup.policy': 'compact,delete', 'retention.ms': String(DAY) } });
    expect(ksqlSinkTopicSettings(s, NO_RETENTION_SOURCE).config['retention.ms']).toBe(String(KAFKA_DEFAULT_RETENTION_MS));
  });

  it("a windowed table keeps the larger of the source retention and the window's RETENTION", () => {
    const longer = statement(
      "CREATE TABLE S WITH (KAFKA_TOPIC='s') AS SELECT USER_ID, COUNT(*) AS N FROM PAYMENTS WINDOW SESSION (30 SECONDS, RETENTION 3 DAYS, GRACE PERIOD 10 SECONDS) GROUP BY USER_ID;",
    );
    expect(longer.windowRetentionMs).toBe(3 * DAY);
    expect(ksqlSinkTopicSettings(longer, STREAM_SOURCE).config['retention.ms']).toBe(String(3 * DAY));
    const shorter = statement(
      "CREATE TABLE H WITH (KAFKA_TOPIC='h') AS SELECT USER_ID, COUNT(*) AS N FROM PAYMENTS WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS, RETENTION 2 HOURS) GROUP BY USER_ID;",
    );
    expect(shorter.windowRetentionMs).toBe(2 * 3_600_000);
    expect(ksqlSinkTopicSettings(shorter, STREAM_SOURCE).config['retention.ms']).toBe(String(DAY));
  });

  it('the WITH clause wins over the source: PARTITIONS, REPLICAS, RETENTION_MS', () => {
    const s = statement("CREATE STREAM B WITH (KAFKA_TOPIC='b', PARTITIONS=6, REPLICAS=3, RETENTION_MS=1000) AS SELECT * FROM PAYMENTS;");
    expect(ksqlSinkTopicSettings(s, STREAM_SOURCE)).toEqual({ partitions: 6, replicationFactor: 3, config: { 'cleanup.policy': 'delete', 'retention.ms': '1000' } });
    const w = statement(
      "CREATE TABLE W WITH (KAFKA_TOPIC='w', RETENTION_MS=5000) AS SELECT USER_ID, COUNT(*) AS N FROM PAYMENTS WINDOW TUMBLING (SIZE 1 SECOND, RETENTION 1 HOUR) GROUP BY USER_ID;",
    );
    expect(ksqlSinkTopicSettings(w, STREAM_SOURCE).config).toEqual({ 'cleanup.policy': 'compact,delete', 'retention.ms': '3600000' });
  });

  it('refuses what ksqlDB refuses, naming file, line and fix', () => {
    const t = statement("CREATE TABLE T WITH (KAFKA_TOPIC='t',\n  RETENTION_MS=1000) AS SELECT USER_ID, COUNT(*) AS N FROM PAYMENTS GROUP BY USER_ID;");
    expect(() => ksqlSinkTopicSettings(t, STREAM_SOURCE)).toThrow(
      'ksql/t.sql:2: TABLE T sets RETENTION_MS — ksqlDB refuses it: non-windowed tables do not support retention',
    );
    expect(() => ksqlSinkTopicSettings(statement("CREATE STREAM X WITH (KAFKA_TOPIC='x', PARTITIONS=0) AS SELECT * FROM P;"), STREAM_SOURCE)).toThrow(
      SinkTopicRuleError,
    );
    const plain = statement("CREATE STREAM P (ID VARCHAR) WITH (KAFKA_TOPIC='p', VALUE_FORMAT='JSON');");
    expect(() => ksqlSinkTopicSettings(plain, STREAM_SOURCE)).toThrow('ksql/t.sql:1: P is a CREATE, not a CREATE ... AS SELECT');
  });

  it('a RETENTION without a duration is a parse problem', () => {
    const parsed = parseScript('ksql/t.sql', 'CREATE TABLE W AS SELECT A, COUNT(*) AS N FROM P WINDOW TUMBLING (SIZE 1 SECOND, RETENTION FOREVER) GROUP BY A;');
    expect(parsed.problems.map((p) => p.problem)).toEqual(['RETENTION is not followed by a duration']);
  });
});

interface TopicJson {
  name: string;
  partitions: number;
  replication_factor: number;
  config: Record<string, string>;
}

describe.each(Object.entries(SNAPSHOT_CONFIGS))('every sink topic of the %s stack', (_, overrides) => {
  const config = configWith(overrides);
  const topics = new Map(
    Object.values(resourcesOf(synthStack(config), 'kafka_topic') as unknown as Record<string, TopicJson>).map((t) => [t.name, t]),
  );
  const graph = validatePipelineScripts(config.pipelines.map((n) => PIPELINES[n]), DATASET_SCHEMAS);
  const queries = graph.statements.filter((s) => s.form === 'CREATE_AS_SELECT');
  const asSettings = (t: TopicJson): TopicSettings => ({ partitions: t.partitions, replicationFactor: t.replication_factor, config: t.config });

  it('has queries to check', () => {
    expect(queries.length).toBeGreaterThan(0);
  });

  it.each(queries.map((s) => [s.name, s] as const))('%s: its topic is what ksqlDB derives from the synthesized source topic', (_name, s) => {
    // The stack creates the scripts' topics under kafka.topicPrefix.
    const source = deployedTopicName(config.kafka.topicPrefix, statementTopic(graph.byName.get(s.sources[0].name)!)!);
    const sink = topics.get(deployedTopicName(config.kafka.topicPrefix, statementTopic(s)!));
    expect(sink).toBeDefined();
    expect(topics.get(source)).toBeDefined();
    expect(asSettings(sink!)).toEqual(ksqlSinkTopicSettings(s, asSettings(topics.get(source)!)));
  });
});
