/** The Avro record schema of a dataset, derived from its DatasetSchema field list. */
import * as avro from 'avsc';
import type { DatasetRecord, FieldValue } from '../dataset-module';
import type { DatasetSchema, FieldType } from '../schema';
import { recordName, SCHEMA_NAMESPACE } from './names';

type AvroPrimitive = 'string' | 'int' | 'long' | 'double' | 'boolean';

/**
 * Timestamps stay plain `long` epoch ms, without the timestamp-millis logical type: the ksqlDB
 * streams declare them BIGINT and use TIMESTAMP='col', and a logical type would make ksqlDB (and
 * Connect) read them as TIMESTAMP instead.
 */
export const AVRO_TYPE: Readonly<Record<FieldType, AvroPrimitive>> = {
  string: 'string',
  int: 'int',
  bigint: 'long',
  double: 'double',
  boolean: 'boolean',
  timestamp_ms: 'long',
};

export interface AvroField {
  readonly name: string;
  readonly type: AvroPrimitive | readonly ['null', AvroPrimitive];
  readonly doc: string;
  readonly default?: null;
}

export interface AvroRecordSchema {
  readonly type: 'record';
  readonly name: string;
  readonly namespace: string;
  readonly doc: string;
  readonly fields: readonly AvroField[];
}

export function avroSchemaOf(schema: DatasetSchema): AvroRecordSchema {
  return {
    type: 'record',
    name: recordName(schema),
    namespace: SCHEMA_NAMESPACE,
    doc: schema.description,
    fields: schema.fields.map((field): AvroField => {
      const type = AVRO_TYPE[field.type];
      // An optional field is a union with null first, so that its default can be null.
      return field.optional ? { name: field.name, type: ['null', type], doc: field.doc, default: null } : { name: field.name, type, doc: field.doc };
    }),
  };
}

/** An avsc Type for an Avro schema given as JSON text (e.g. fetched back from a registry) or object. */
export function avroTypeOf(schema: AvroRecordSchema | string): avro.Type {
  const definition: unknown = typeof schema === 'string' ? JSON.parse(schema) : schema;
  return avro.Type.forSchema(definition as avro.Schema);
}

export function encodeAvro(type: avro.Type, record: DatasetRecord): Buffer {
  return type.toBuffer(record);
}

/** Decodes to a plain object (avsc returns instances of a generated record class). */
export function decodeAvro(type: avro.Type, payload: Buffer): DatasetRecord {
  const decoded = type.fromBuffer(payload) as Record<string, FieldValue>;
  return { ...decoded };
}
