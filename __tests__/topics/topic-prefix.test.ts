import { deployedTopicName, TOPIC_PREFIX_RULE } from '../../lib/topic-prefix';
import { parseGeneratorArgs, UsageError } from '../../generators/cli-args';
import { moodleLogsSchema } from '../../generators/datasets/moodle_logs.schema';
import { paymentsSchema } from '../../generators/datasets/payments.schema';
import { loadPipelineScript } from '../../pipelines/scripts';
import { statementTopic } from '../../ksql-language/validator';
import { statementWithTopicPrefix } from '../../ksql-language/prefixed-statement';
import { PIPELINES } from '../../pipelines/catalog';
import { debeziumSourceConnector } from '../../payloads/debezium-source';
import { elasticsearchSinkConnector, resolveSinkTargets } from '../../payloads/elasticsearch-sinks';
import { endpointsOf } from '../../payments/endpoints';
import { parsePaymentsArgs } from '../../payments/config';
import { configWith, resourcesOf, SNAPSHOT_CONFIGS, synthStack } from '../support/synth';

/** kafka.topicPrefix reaches every place the stack names a topic or group, through deployedTopicName. */

const PREFIX = 'team1.lab.';

describe('deployedTopicName', () => {
  it('prepends the prefix, and is the identity without one', () => {
    expect(deployedTopicName(PREFIX, 'ratings')).toBe('team1.lab.ratings');
    expect(deployedTopicName('', 'ratings')).toBe('ratings');
  });
});

describe('generators', () => {
  const topicOf = (argv: string[], env: Record<string, string>): string => {
    const parsed = parseGeneratorArgs(argv, { KAFKA_BROKERS: 'kafka:9092', ...env });
    if (parsed.kind !== 'run') throw new Error('expected a run');
    return parsed.options.topic;
  };

  it('produce to the prefixed dataset topic; an explicit --topic is taken as given', () => {
    expect(topicOf(['ratings'], { KAFKA_TOPIC_PREFIX: PREFIX })).toBe('team1.lab.ratings');
    expect(topicOf(['ratings', '--topic', 'mine'], { KAFKA_TOPIC_PREFIX: PREFIX })).toBe('mine');
  });

  it('refuse a prefix Kafka would refuse, naming the variable', () => {
    expect(() => topicOf(['ratings'], { KAFKA_TOPIC_PREFIX: 'a/b' })).toThrow(new UsageError(`KAFKA_TOPIC_PREFIX 'a/b' is not a topic prefix; allowed: ${TOPIC_PREFIX_RULE}`));
  });
});

describe('payments API', () => {
  it('writes the prefixed topics and registers the schemas under their subjects', () => {
    const endpoints = endpointsOf(paymentsSchema, PREFIX);
    expect(endpoints.map((e) => [e.topic, e.subject])).toEqual([
      ['team1.lab.payment_json', 'team1.lab.payment_json-value'],
      ['team1.lab.payment_avro', 'team1.lab.payment_avro-value'],
      ['team1.lab.payment_protobuf', 'team1.lab.payment_protobuf-value'],
    ]);
  });

  it('reads the prefix from KAFKA_TOPIC_PREFIX', () => {
    const parsed = parsePaymentsArgs([], { KAFKA_TOPIC_PREFIX: PREFIX });
    expect(parsed.kind === 'run' && parsed.config.topicPrefix).toBe(PREFIX);
  });
});

describe('ksqlDB statements', () => {
  const statements = loadPipelineScript(PIPELINES.ratings).statements;

  it('name the prefixed topic in KAFKA_TOPIC, for declarations and CREATE ... AS SELECT alike', () => {
    const withTopic = statements.filter((s) => statementTopic(s) !== undefined);
    expect(new Set(withTopic.map((s) => s.form))).toEqual(new Set(['CREATE', 'CREATE_AS_SELECT']));
    for (const s of withTopic) {
      const sent = statementWithTopicPrefix(s, PREFIX);
      expect(sent).toMatch(new RegExp(`KAFKA_TOPIC\\s*=\\s*'team1\\.lab\\.${statementTopic(s)!.replace(/\./g, '\\.')}'`, 'i'));
      expect(sent.replace(/'team1\.lab\./, "'")).toBe(s.statement);
    }
  });

  it('are sent as written without a prefix', () => {
    for (const s of statements) expect(statementWithTopicPrefix(s, '')).toBe(s.statement);
  });
});

describe('connectors', () => {
  it('an Elasticsearch sink reads the prefixed topic in its own prefixed group and writes the index named as without the prefix', () => {
    const target = resolveSinkTargets(PIPELINES['server-logs'], loadPipelineScript(PIPELINES['server-logs']).statements)[0];
    const { name, config } = elasticsearchSinkConnector(target, { elasticsearchUrl: 'http://elasticsearch:9200', topicPrefix: PREFIX });
    expect(config.topics).toBe(`team1.lab.${target.topic}`);
    expect(config['consumer.override.group.id']).toBe(`team1.lab.connect-${name}`);
    // RegexRouter: the deployed topic is routed to the unprefixed index name.
    expect(config.topics.replace(new RegExp(`^${config['transforms.toIndex.regex']}$`), config['transforms.toIndex.replacement'])).toBe(target.index);
    expect(elasticsearchSinkConnector(target, { elasticsearchUrl: 'http://elasticsearch:9200' }).config['consumer.override.group.id']).toBeUndefined();
  });

  it('Debezium writes its CDC topic and schema history under the prefix', () => {
    const { config } = debeziumSourceConnector({
      dataset: moodleLogsSchema,
      database: { host: 'mariadb', port: 3306, user: 'debezium', passwordEnvVar: 'MOODLE_CDC_PASSWORD', name: 'moodle' },
      kafka: { bootstrapServers: 'kafka:9092', topicPrefix: PREFIX },
    });
    expect(`${config['topic.prefix']}.moodle.mdl_logstore_standard_log`).toBe(`team1.lab.${moodleLogsSchema.sink.kind === 'database' ? moodleLogsSchema.sink.cdcTopic : ''}`);
    expect(config['schema.history.internal.kafka.topic']).toBe('team1.lab._moodle-cdc-schema-history');
  });
});

describe('the synthesized stack with a prefix', () => {
  const config = configWith(SNAPSHOT_CONFIGS['external, shared (prefix and ACLs)']);
  const tf = synthStack(config);
  const text = JSON.stringify(tf);
  const env = (hostname: string): string[] =>
    (Object.values(resourcesOf(tf, 'docker_container')) as Array<{ hostname: string; env?: string[] }>).find((c) => c.hostname === hostname)?.env ?? [];

  it('creates every topic under the prefix', () => {
    const names = Object.values(resourcesOf(tf, 'kafka_topic')).map((t) => t.name as string);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((n) => !n.startsWith(PREFIX))).toEqual([]);
  });

  it("prefixes Connect's group and internal topics, ksqlDB's service id, the registry's topic and group, the Node clients' topics", () => {
    expect(env('connect')).toEqual(
      expect.arrayContaining([
        'CONNECT_GROUP_ID=team1.lab.lab-connect',
        'CONNECT_CONFIG_STORAGE_TOPIC=team1.lab._lab-connect-configs',
        'CONNECT_OFFSET_STORAGE_TOPIC=team1.lab._lab-connect-offsets',
        'CONNECT_STATUS_STORAGE_TOPIC=team1.lab._lab-connect-status',
      ]),
    );
    expect(env('ksqldb')).toContain('KSQL_KSQL_SERVICE_ID=team1.lab.lab_');
    expect(env('schema-registry')).toEqual(expect.arrayContaining(['SCHEMA_REGISTRY_KAFKASTORE_TOPIC=team1.lab._schemas', 'SCHEMA_REGISTRY_SCHEMA_REGISTRY_GROUP_ID=team1.lab.schema-registry']));
    expect(env('generators')).toContain('KAFKA_TOPIC_PREFIX=team1.lab.');
  });

  it('sends ksqlDB and Connect only prefixed topic names', () => {
    const kafkaTopics = [...text.matchAll(/KAFKA_TOPIC\s*=\s*\\?'([^'\\]+)/gi)].map((m) => m[1]);
    expect(kafkaTopics.length).toBeGreaterThan(3);
    expect(kafkaTopics.filter((t) => !t.startsWith(PREFIX))).toEqual([]);
  });
});
