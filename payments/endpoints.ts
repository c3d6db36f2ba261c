/**
 * The API's endpoints, derived from the payments dataset schema: one per value format, each with
 * its topic (the schema's topicByFormat), its registry subject and its serializer.
 */
import { deployedTopicName } from '../lib/topic-prefix';
import { paymentsSchema } from '../generators/datasets/payments.schema';
import { valueSubject } from '../generators/formats/registry-client';
import { serdeFor, type ValueSerde } from '../generators/formats/serde';
import type { DatasetSchema, ValueFormat } from '../generators/schema';

export interface PaymentEndpoint {
  /** `/payment_json`, `/payment_avro`, `/payment_protobuf`. */
  readonly path: string;
  readonly format: ValueFormat;
  readonly topic: string;
  /** TopicNameStrategy subject of the topic's values. */
  readonly subject: string;
  readonly serde: ValueSerde;
}

/** `topicPrefix` is kafka.topicPrefix: the topics, and so the registry subjects, carry it. */
export function endpointsOf(schema: DatasetSchema = paymentsSchema, topicPrefix = ''): readonly PaymentEndpoint[] {
  if (schema.sink.kind !== 'kafka') throw new Error(`dataset ${schema.name} is not produced to Kafka, so it has no API endpoints`);
  const topics = schema.sink.topicByFormat ?? {};
  return schema.formats.map((format) => {
    const declared = topics[format];
    if (declared === undefined) throw new Error(`dataset ${schema.name} declares format ${format} but no topic for it in sink.topicByFormat`);
    const topic = deployedTopicName(topicPrefix, declared);
    return { path: `/payment_${format.toLowerCase()}`, format, topic, subject: valueSubject(topic), serde: serdeFor(schema, format, { recordsValidated: true }) };
  });
}
