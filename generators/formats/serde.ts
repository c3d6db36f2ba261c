/**
 * Serializers and deserializers of a dataset's records in the three value formats, with the schema
 * text each registers in Schema Registry. Everything is derived from the DatasetSchema, so a field
 * added there reaches all three formats at once.
 */
import type * as avro from 'avsc';
import type * as protobuf from 'protobufjs';
import type { DatasetRecord, FieldValue } from '../dataset-module';
import type { DatasetSchema, ValueFormat } from '../schema';
import { avroSchemaOf, avroTypeOf, decodeAvro, encodeAvro } from './avro';
import { jsonSchemaOf } from './json-schema';
import { decodeProtobuf, encodeProtobuf, protobufTypeOf, protoSchemaOf } from './protobuf';
import { validateRecord } from './validate';
import { decodeFrame, encodeFrame, encodeTextFrame } from './wire-format';

/** Schema Registry's `schemaType` of each value format (JSON is Confluent's JSON_SR). */
export type RegistrySchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';
export const REGISTRY_SCHEMA_TYPE: Readonly<Record<ValueFormat, RegistrySchemaType>> = { JSON: 'JSON', AVRO: 'AVRO', PROTOBUF: 'PROTOBUF' };

/** The message index of the one message our .proto files declare. */
const FIRST_MESSAGE: readonly number[] = [0];

export interface ValueSerde {
  readonly schemaType: RegistrySchemaType;
  /** What is registered: Avro JSON, .proto text or JSON Schema JSON. */
  readonly schemaText: string;
  /** The bare payload, without the wire-format header. */
  encodePayload(record: DatasetRecord): Buffer;
  decodePayload(payload: Buffer): DatasetRecord;
  /** The Confluent wire format: magic byte, schema id, (Protobuf: message indexes,) payload. */
  serialize(schemaId: number, record: DatasetRecord): Buffer;
  deserialize(value: Buffer): { readonly schemaId: number; readonly record: DatasetRecord };
}

function framed(
  schemaType: RegistrySchemaType,
  schemaText: string,
  encodePayload: (r: DatasetRecord) => Buffer,
  decodePayload: (p: Buffer) => DatasetRecord,
  /** A serializer that frames without the payload's own buffer (JSON); by default encodePayload's is framed. */
  serialize?: ValueSerde['serialize'],
): ValueSerde {
  const protobuf = schemaType === 'PROTOBUF';
  return {
    schemaType,
    schemaText,
    encodePayload,
    decodePayload,
    serialize: serialize ?? ((schemaId, record) => encodeFrame(schemaId, encodePayload(record), protobuf ? FIRST_MESSAGE : undefined)),
    deserialize(value) {
      const frame = decodeFrame(value, { protobuf });
      if (protobuf && (frame.messageIndexes?.length !== 1 || frame.messageIndexes[0] !== 0)) {
        throw new Error(`Protobuf record names message index [${frame.messageIndexes?.join(', ')}], but only the first message [0] of the schema is known here`);
      }
      return { schemaId: frame.schemaId, record: decodePayload(frame.payload) };
    },
  };
}

function decodeJsonPayload(payload: Buffer): DatasetRecord {
  const value: unknown = JSON.parse(payload.toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('JSON record value is not an object');
  return value as Record<string, FieldValue>;
}

function avroSerde(type: avro.Type, schemaText: string): ValueSerde {
  return framed('AVRO', schemaText, (record) => encodeAvro(type, record), (payload) => decodeAvro(type, payload));
}

function protobufSerde(type: protobuf.Type, schemaText: string): ValueSerde {
  return framed('PROTOBUF', schemaText, (record) => encodeProtobuf(type, record), (payload) => decodeProtobuf(type, payload));
}

export interface SerdeOptions {
  /**
   * Every record the caller serializes fits this schema already: the payments API's POST bodies
   * passed validatePayment (validateRecord, more strictly), and its GET payments come from the
   * dataset's own generator, whose records the generator tests check against the schema. The JSON
   * serializer then skips its own check, a second full pass over every field of every request.
   * @default false: the JSON serializer checks each record
   */
  readonly recordsValidated?: boolean;
}

/** The serde of a dataset in one format; the JSON serializer checks records against the field list. */
export function serdeFor(schema: DatasetSchema, format: ValueFormat, options: SerdeOptions = {}): ValueSerde {
  switch (format) {
    case 'AVRO': {
      const avroSchema = avroSchemaOf(schema);
      return avroSerde(avroTypeOf(avroSchema), JSON.stringify(avroSchema));
    }
    case 'PROTOBUF': {
      const text = protoSchemaOf(schema);
      return protobufSerde(protobufTypeOf(text), text);
    }
    case 'JSON': {
      const jsonText = (record: DatasetRecord): string => {
        if (!options.recordsValidated) {
          const checked = validateRecord(schema, record, { maxStringLength: Number.MAX_SAFE_INTEGER });
          if (!checked.ok) throw new Error(`record does not fit the ${schema.name} JSON schema: ${checked.field} ${checked.message}`);
        }
        return JSON.stringify(record);
      };
      return framed(
        'JSON',
        JSON.stringify(jsonSchemaOf(schema)),
        (record) => Buffer.from(jsonText(record), 'utf8'),
        decodeJsonPayload,
        (schemaId, record) => encodeTextFrame(schemaId, jsonText(record)),
      );
    }
  }
}

/**
 * A serde built from a schema as a registry returns it (GET /schemas/ids/{id}): what a consumer
 * uses to read records back without knowing the dataset module. JSON payloads are parsed, not
 * checked against the JSON Schema (no JSON Schema validator is bundled).
 */
export function serdeFromRegistrySchema(schemaType: RegistrySchemaType, schemaText: string): ValueSerde {
  switch (schemaType) {
    case 'AVRO':
      return avroSerde(avroTypeOf(schemaText), schemaText);
    case 'PROTOBUF':
      return protobufSerde(protobufTypeOf(schemaText), schemaText);
    case 'JSON':
      return framed('JSON', schemaText, (record) => Buffer.from(JSON.stringify(record), 'utf8'), decodeJsonPayload);
  }
}
