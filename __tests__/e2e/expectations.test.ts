/**
 * The rehearsal derives what it checks from the synthesized stack and the catalog: every pipeline
 * gets its producer topics, statements, connectors and indices, and nothing is checked that the
 * stack does not deploy.
 */
import { expectedDeployment } from '../../e2e/expectations';
import { PIPELINES } from '../../pipelines/catalog';
import { configWith, synthStack } from '../support/synth';

const config = configWith({});
const expected = expectedDeployment(synthStack(config), config);
const pipeline = (name: string) => expected.pipelines.find((p) => p.name === name)!;

it('has every enabled pipeline, each with statements from its own script and a connector per sink', () => {
  expect(expected.pipelines.map((p) => p.name)).toEqual(config.pipelines);
  for (const p of expected.pipelines) {
    expect(p.statements.length).toBeGreaterThan(0);
    expect(p.statements.every((s) => s.file === PIPELINES[p.name].ksqlFile)).toBe(true);
    expect(p.connectors).toEqual(expect.arrayContaining(p.indices.map((i) => `es-sink-${i}`)));
  }
});

it('reads producer topics, the CDC topic and the payments API from the datasets', () => {
  expect(pipeline('ratings').producerTopics).toEqual(['ratings']);
  expect(pipeline('payments').producerTopics).toEqual(['payment_avro', 'payment_json', 'payment_protobuf']);
  expect(pipeline('payments').paymentsApi).toBe(true);
  expect(pipeline('moodle').cdcTopic).toBe('moodle.moodle.mdl_logstore_standard_log');
  expect(pipeline('moodle').connectors).toContain('moodle-cdc');
  expect(pipeline('ratings').cdcTopic).toBeUndefined();
});

it('lists the containers, topics, built images, volumes and network the deploy creates', () => {
  expect(expected.containers).toEqual(expect.arrayContaining(['lab-kafka-1', 'lab-ksqldb', 'lab-generators']));
  expect(expected.topics.find((t) => t.name === 'window_transactions')?.config['cleanup.policy']).toBe('compact,delete');
  expect(expected.builtImages).toHaveLength(2);
  expect(expected.builtImages.every((i) => /^lab\/(app|kafka-connect):src-[0-9a-f]{16}$/.test(i))).toBe(true);
  expect(expected.volumes).toContain('lab-kafka-1-data');
  expect(expected.network).toBe('lab-net');
});

it('expects the topics under their deployed names on a shared external cluster (topic prefix)', () => {
  const shared = configWith({
    pipelines: ['ratings', 'moodle'],
    kafka: { mode: 'external', topicPrefix: 'team1.', external: { bootstrapServers: 'broker.example:9096', securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', manageAcls: true } },
  });
  const onShared = expectedDeployment(synthStack(shared), shared);
  const moodle = onShared.pipelines.find((p) => p.name === 'moodle')!;
  expect(onShared.pipelines.find((p) => p.name === 'ratings')!.producerTopics).toEqual(['team1.ratings']);
  expect(moodle.cdcTopic).toBe('team1.moodle.moodle.mdl_logstore_standard_log');
  expect(moodle.connectors).toContain('moodle-cdc');
  expect(onShared.containers.some((c) => c.includes('kafka-1'))).toBe(false);
  for (const p of onShared.pipelines) for (const t of [...p.producerTopics, ...(p.cdcTopic ? [p.cdcTopic] : [])]) expect(onShared.topics.map((x) => x.name)).toContain(t);
});

it("expects each query's output under the topic ksqlDB writes it to, prefixed on a shared cluster", () => {
  const local = configWith({ pipelines: ['ratings', 'shop'] });
  const here = expectedDeployment(synthStack(local), local);
  expect(here.pipelines.find((p) => p.name === 'ratings')!.outputs).toEqual([
    { object: 'BAD_RATINGS', topic: 'bad_ratings', emitFinal: false },
    { object: 'PRODUCT_RATING_RANKING', topic: 'product_rating_ranking', emitFinal: false },
  ]);
  expect(here.pipelines.find((p) => p.name === 'shop')!.outputs).toContainEqual({ object: 'SHOP_INCOME_PER_3_SECONDS', topic: 'window_transactions', emitFinal: true });

  const shared = configWith({
    pipelines: ['ratings'],
    kafka: { mode: 'external', topicPrefix: 'team1.', external: { bootstrapServers: 'broker.example:9096', securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', manageAcls: true } },
  });
  const there = expectedDeployment(synthStack(shared), shared);
  expect(there.pipelines[0].outputs.map((o) => o.topic)).toEqual(['team1.bad_ratings', 'team1.product_rating_ranking']);
});

it('probes the processing log through the ratings stream on the topic the stack names, and not where the stack gives it no appender', () => {
  const local = configWith({ pipelines: ['server-logs', 'ratings'] });
  expect(expectedDeployment(synthStack(local), local).processingLog).toEqual({ topic: 'lab_ksql_processing_log', probe: { stream: 'RATINGS', topic: 'ratings' } });
  // Without ratings, another JSON source stream that a query reads.
  const serverLogs = configWith({ pipelines: ['server-logs'] });
  expect(expectedDeployment(synthStack(serverLogs), serverLogs).processingLog).toEqual({ topic: 'lab_ksql_processing_log', probe: { stream: 'SERVER_LOGS', topic: 'server_logs' } });
  const secured = configWith({
    pipelines: ['ratings'],
    kafka: { mode: 'external', topicPrefix: 'team1.', external: { bootstrapServers: 'broker.example:9096', securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512' } },
  });
  expect(expectedDeployment(synthStack(secured), secured).processingLog).toBeUndefined();
});
