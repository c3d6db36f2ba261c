import { parseProcessingLogRecord, processingLogFindings, queryOfLogger } from '../../e2e/processing-log';

/** Shaped as ksqlDB 7.9's StructuredJsonLayout writes them (docs/reference/processing-log.md, MESSAGE struct). */
function record(logger: string, time: number, section: string, body: Record<string, unknown>): string {
  const message: Record<string, unknown> = { type: 0, deserializationError: null, recordProcessingError: null, productionError: null, serializationError: null, kafkaStreamsThreadError: null };
  message[section] = body;
  return JSON.stringify({ level: 'ERROR', logger, time, message });
}

const SENT_AT = 1_765_000_000_000;
const probe = record('processing.CSAS_BAD_RATINGS_3.KsqlTopic.Source.deserializer', SENT_AT + 2_000, 'deserializationError', {
  target: 'value',
  errorMessage: 'Failed to deserialize value from topic: ratings. Unexpected character (\'l\' (code 108))',
  recordB64: null,
  cause: ['Unexpected character'],
  topic: 'ratings',
});

describe('processing-log records', () => {
  it('reads the logger, time, error section, message and topic', () => {
    expect(parseProcessingLogRecord(probe)).toEqual({
      logger: 'processing.CSAS_BAD_RATINGS_3.KsqlTopic.Source.deserializer',
      time: SENT_AT + 2_000,
      kind: 'deserializationError',
      errorMessage: "Failed to deserialize value from topic: ratings. Unexpected character ('l' (code 108))",
      topic: 'ratings',
    });
    expect(parseProcessingLogRecord('not json')).toBeUndefined();
    expect(queryOfLogger('processing.CTAS_PRODUCT_RATING_RANKING_5.Aggregate')).toBe('CTAS_PRODUCT_RATING_RANKING_5');
  });

  it("finds the rehearsal's bad record and groups what the lab's own records caused", () => {
    const cast = (time: number): string =>
      record('processing.CSAS_PAYMENTS_ALL_FORMATS_FROM_PROTOBUF_7.KsqlTopic.Source.deserializer', time, 'deserializationError', {
        errorMessage: 'Failed to deserialize value from topic: payment_protobuf. Error retrieving Protobuf schema',
        topic: 'payment_protobuf',
      });
    const older = record('processing.CSAS_BAD_RATINGS_3.KsqlTopic.Source.deserializer', SENT_AT - 60_000, 'deserializationError', { errorMessage: 'earlier', topic: 'ratings' });
    const processing = record('processing.CTAS_X_1.Project', SENT_AT, 'recordProcessingError', { errorMessage: "Can't coerce string to type" });
    const found = processingLogFindings([cast(SENT_AT), probe, cast(SENT_AT + 5), older, processing, '{oops'], 'ratings', SENT_AT);
    expect(found.probe.map((e) => e.topic)).toEqual(['ratings']);
    expect(found.unreadable).toBe(1);
    expect(found.others).toEqual([
      '2 x deserializationError in CSAS_PAYMENTS_ALL_FORMATS_FROM_PROTOBUF_7: Failed to deserialize value from topic: payment_protobuf. Error retrieving Protobuf schema',
      // A ratings error from before the bad record was sent is the lab's own, not the rehearsal's.
      '1 x deserializationError in CSAS_BAD_RATINGS_3: earlier',
      "1 x recordProcessingError in CTAS_X_1: Can't coerce string to type",
    ]);
  });

  it('finds nothing when the bad record never reached the log', () => {
    expect(processingLogFindings([], 'ratings', SENT_AT)).toEqual({ probe: [], others: [], unreadable: 0 });
  });
});
