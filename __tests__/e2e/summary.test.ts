/**
 * The rehearsal's readiness rules and summary, against observations recorded from services
 * (offsets as kafkajs' admin returns them, topic configs as describeConfigs returns them).
 */
import { failureReport, firstRecordInEveryPipeline, servicesTable, summaryTable, topicDifferences, totalOffsets, type CheckResult } from '../../e2e/summary';

describe('totalOffsets', () => {
  it('sums high minus low over partitions (records a topic holds)', () => {
    expect(totalOffsets([{ high: '42', low: '0' }, { high: '10', low: '3' }])).toBe(49);
    expect(totalOffsets([])).toBe(0);
  });
});

describe('topicDifferences', () => {
  const declared = { partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact,delete', 'retention.ms': '86400000' } };
  it('is empty when the broker has what was declared', () => {
    expect(topicDifferences(declared, { partitions: 1, replicationFactor: 1, config: { 'cleanup.policy': 'compact,delete', 'retention.ms': '86400000', 'segment.ms': '604800000' } })).toEqual([]);
  });
  it('names each setting that differs, with both values', () => {
    expect(topicDifferences(declared, { partitions: 2, replicationFactor: 1, config: { 'cleanup.policy': 'compact', 'retention.ms': undefined } })).toEqual([
      'partitions 2, declared 1',
      'cleanup.policy=compact, declared compact,delete',
      'retention.ms=(unset), declared 86400000',
    ]);
  });
});

describe('the summary', () => {
  const results: CheckResult[] = [
    { pipeline: 'ratings', check: 'topic ratings grows', verdict: 'pass', detail: '51 records' },
    { pipeline: 'ratings', check: 'connector es-sink-bad_ratings RUNNING', verdict: 'fail', detail: 'task 0 FAILED: org.apache.kafka.connect.errors.ConnectException: boom' },
    { pipeline: 'shop', check: 'topic shop_transactions grows', verdict: 'pass', detail: '12 records' },
  ];
  it('has a row per pipeline with its figures and the count of passed checks', () => {
    const text = summaryTable(
      [
        { pipeline: 'ratings', messagesIn: 51, rowsOut: undefined, documentsIndexed: 0, firstDataSeconds: 42.4, panels: { withData: 3, total: 4 } },
        { pipeline: 'shop', messagesIn: 12, rowsOut: 3, documentsIndexed: undefined, firstDataSeconds: undefined, panels: undefined },
      ],
      results,
    );
    expect(text.split('\n')).toEqual([
      'pipeline  messages in  rows out  documents  panels with data  first data  checks  status',
      '--------  -----------  --------  ---------  ----------------  ----------  ------  --------',
      'ratings   51           -         0          3/4               42 s        1/2     FAIL (1)',
      'shop      12           3         -          -                 -           1/1     ok',
    ]);
  });
  it('gives the first record in every pipeline as the latest pipeline\'s first record, or none while one has none', () => {
    const figures = (firsts: Array<number | undefined>) => firsts.map((firstDataSeconds, i) => ({ pipeline: `p${i}`, messagesIn: 1, rowsOut: undefined, documentsIndexed: undefined, firstDataSeconds, panels: undefined }));
    expect(firstRecordInEveryPipeline(figures([42, 97.5, 60]))).toBe(97.5);
    expect(firstRecordInEveryPipeline(figures([42, undefined]))).toBeUndefined();
    expect(firstRecordInEveryPipeline([])).toBeUndefined();
  });
  it('lists each failure with pipeline, check and the service message', () => {
    expect(failureReport(results)).toEqual(['ratings: connector es-sink-bad_ratings RUNNING: task 0 FAILED: org.apache.kafka.connect.errors.ConnectException: boom']);
  });
  it('says service by service whether the real software ran', () => {
    const services = [
      { service: 'kafka', kind: 'real' as const, image: 'lab-local/kafka:3.9.1', runs: 'Kafka' },
      { service: 'ksqldb', kind: 'stand-in' as const, image: 'lab-local/standin-ksqldb:7.9.11', runs: 'REST API' },
    ];
    expect(servicesTable(services).split('\n')).toEqual([
      'service  ran            image                            what runs',
      '-------  -------------  -------------------------------  ---------',
      'kafka    real software  lab-local/kafka:3.9.1            Kafka',
      'ksqldb   STAND-IN       lab-local/standin-ksqldb:7.9.11  REST API',
    ]);
  });
});
