/** The derivations refuse declarations that name fields or objects the ksqlDB scripts do not produce. */
import { loadPipelineScript } from '../../pipelines/scripts';
import { PIPELINES } from '../../pipelines/catalog';
import { resolveSinkTargets } from '../../payloads/elasticsearch-sinks';
import { kibanaObjects } from '../../payloads/kibana-saved-objects';
import { PINOT_KAFKA_CONSUMER_FACTORY, pinotTable } from '../../payloads/pinot-tables';
import type { PipelineDecl } from '../../pipelines/types';

const moodle = PIPELINES.moodle;
const moodleStatements = loadPipelineScript(moodle).statements;
const moodleTargets = resolveSinkTargets(moodle, moodleStatements);
const shop = PIPELINES.shop;
const shopStatements = loadPipelineScript(shop).statements;
const KAFKA = { bootstrapServers: 'kafka-1:19092', clientProperties: {}, topicPrefix: '' };

function withPanels(panels: NonNullable<PipelineDecl['kibana']>['dashboard']['panels']): PipelineDecl {
  return { ...moodle, kibana: { dashboard: { ...moodle.kibana!.dashboard, panels } } };
}

describe('kibanaObjects', () => {
  it('takes each data view time field from the template rule: window bounds and dataset times, none for totals', () => {
    const { dataViews } = kibanaObjects(moodle, moodleTargets, moodleStatements, { timeColumns: ['CREATED_DATE', 'TIMECREATED'] });
    expect(Object.fromEntries(dataViews.map((v) => [v.id, v.attributes.timeFieldName]))).toEqual({
      moodle_user_sessions: 'SESSION_START',
      moodle_user_activity: undefined,
      moodle_predictions: 'CREATED_DATE',
      moodle_at_risk_students: 'CREATED_DATE',
    });
  });

  it('names a panel field the object does not write, and the fields it does', () => {
    const decl = withPanels([{ title: 'Sessions', object: 'MOODLE_USER_SESSIONS', columns: ['userid', 'SESSION_START'], sortBy: 'WINDOW_START' }]);
    expect(() => kibanaObjects(decl, moodleTargets, moodleStatements, {})).toThrow(
      'panel "Sessions" names field userid, which MOODLE_USER_SESSIONS does not write (its documents hold USERID, SESSION_START, SESSION_END, ACTIVITIES, DURATION_S) — name one of those',
    );
    expect(() => kibanaObjects(decl, moodleTargets, moodleStatements, {})).toThrow(/names field WINDOW_START/);
  });

  it('refuses a panel over an object that is not a sink (no index holds its documents)', () => {
    const decl = withPanels([{ title: 'Raw logs', object: 'MOODLE_LOGS', columns: ['ID'], sortBy: 'ID' }]);
    expect(() => kibanaObjects(decl, moodleTargets, moodleStatements, {})).toThrow('panel "Raw logs" reads MOODLE_LOGS, which is not a sink of moodle');
  });
});

describe('pinotTable', () => {
  it('consumes the object topic with the Kafka 3.0 consumer of Pinot 1.5 and the JSON decoder', () => {
    const stream = (pinotTable(shop, shopStatements, KAFKA).tableConfig as unknown as { ingestionConfig: { streamIngestionConfig: { streamConfigMaps: Array<Record<string, string>> } } })
      .ingestionConfig.streamIngestionConfig.streamConfigMaps[0];
    expect(stream).toMatchObject({
      streamType: 'kafka',
      'stream.kafka.topic.name': 'window_transactions',
      'stream.kafka.broker.list': 'kafka-1:19092',
      'stream.kafka.consumer.factory.class.name': PINOT_KAFKA_CONSUMER_FACTORY,
      'stream.kafka.consumer.prop.auto.offset.reset': 'smallest',
    });
  });

  it('passes the cluster client properties to the consumer and reads the prefixed topic (a shared external SASL cluster)', () => {
    const spec = pinotTable(shop, shopStatements, { bootstrapServers: 'b:9092', clientProperties: { 'security.protocol': 'SASL_SSL' }, topicPrefix: 'team1.' });
    expect(JSON.stringify(spec.tableConfig)).toContain('"security.protocol":"SASL_SSL"');
    expect(JSON.stringify(spec.tableConfig)).toContain('"stream.kafka.topic.name":"team1.window_transactions"');
  });

  it('refuses a time column that is not an epoch-millisecond value column, and undeclared or unknown columns', () => {
    const decl: PipelineDecl = { ...shop, pinot: { object: 'SHOP_INCOME_PER_3_SECONDS', timeColumn: 'INCOME', metrics: { INCOME: 'DOUBLE', SHOP: 'STRING' } } };
    let message = '';
    try {
      pinotTable(decl, shopStatements, KAFKA);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('Pinot table of pipeline shop (pipelines/catalog.ts) failed validation (3 problems)');
    expect(message).toContain('time column INCOME is not an epoch-millisecond value column of SHOP_INCOME_PER_3_SECONDS (those are: WINDOW_START, WINDOW_END)');
    expect(message).toContain('value column TRANSACTION_COUNT of SHOP_INCOME_PER_3_SECONDS must be exactly one of: a time column (by name), a metric, a dimension — it is none');
    // SHOP is the key (GROUP BY 'shop'): not in the value, so Pinot would never see it.
    expect(message).toContain('SHOP is declared, but SHOP_INCOME_PER_3_SECONDS does not write it');
  });

  it('refuses an object the script does not create', () => {
    expect(() => pinotTable({ ...shop, pinot: { ...shop.pinot!, object: 'NOPE' } }, shopStatements, KAFKA)).toThrow('the table reads NOPE, which ksql/shop.sql does not create');
  });
});
