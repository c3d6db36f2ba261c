import * as avro from 'avsc';
import * as protobuf from 'protobufjs';
import { paymentsSchema } from '../../generators/datasets/payments.schema';
import { DATASET_SCHEMAS } from '../../pipelines/datasets';
import { AVRO_TYPE, avroSchemaOf } from '../../generators/formats/avro';
import { jsonSchemaOf } from '../../generators/formats/json-schema';
import { PROTOBUF_TYPE, protobufTypeOf, protoSchemaOf } from '../../generators/formats/protobuf';
import { serdeFor } from '../../generators/formats/serde';
import type { DatasetSchema } from '../../generators/schema';

/** Every field type, one optional field: what no real dataset may happen to cover. */
const ALL_TYPES: DatasetSchema = {
  name: 'ratings',
  description: 'test schema with every field type',
  sink: { kind: 'kafka', topic: 't' },
  fields: [
    { name: 'a_string', type: 'string', doc: 's' },
    { name: 'an_int', type: 'int', doc: 'i' },
    { name: 'a_bigint', type: 'bigint', doc: 'b' },
    { name: 'a_double', type: 'double', doc: 'd' },
    { name: 'a_boolean', type: 'boolean', doc: 'flag' },
    { name: 'a_time', type: 'timestamp_ms', doc: 't' },
    { name: 'maybe', type: 'string', doc: 'optional', optional: true },
  ],
  formats: ['JSON', 'AVRO', 'PROTOBUF'],
};

const datasets = Object.values(DATASET_SCHEMAS).map((schema) => [schema.name, schema] as const);

describe('Avro schema derived from a DatasetSchema', () => {
  it.each(datasets)('%s: same field names in order, mapped types, and avsc accepts it', (_name, schema) => {
    const derived = avroSchemaOf(schema);
    expect(derived.fields.map((f) => f.name)).toEqual(schema.fields.map((f) => f.name));
    schema.fields.forEach((field, i) => {
      const type = AVRO_TYPE[field.type];
      expect(derived.fields[i].type).toEqual(field.optional ? ['null', type] : type);
    });
    const type = avro.Type.forSchema(derived as unknown as avro.Schema) as avro.types.RecordType;
    expect(type.fields.map((f) => f.name)).toEqual(schema.fields.map((f) => f.name));
  });

  it('maps every field type and makes optional fields nullable with default null', () => {
    const derived = avroSchemaOf(ALL_TYPES);
    expect(Object.fromEntries(derived.fields.map((f) => [f.name, f.type]))).toEqual({
      a_string: 'string',
      an_int: 'int',
      a_bigint: 'long',
      a_double: 'double',
      a_boolean: 'boolean',
      a_time: 'long',
      maybe: ['null', 'string'],
    });
    expect(derived.fields.find((f) => f.name === 'maybe')?.default).toBeNull();
    expect(derived.fields.find((f) => f.name === 'a_string')).not.toHaveProperty('default');
    expect(derived).toMatchObject({ type: 'record', name: 'Ratings', namespace: 'streaming_lab.datasets' });
  });

  it('payments: the record the ksqlDB stream reads', () => {
    expect(avroSchemaOf(paymentsSchema)).toMatchObject({
      name: 'Payments',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'payee_bank', type: 'string' },
        { name: 'payee_account_no', type: 'long' },
        { name: 'payment_amount', type: 'double' },
        { name: 'payment_method', type: 'string' },
        { name: 'payor_account_no', type: 'int' },
        { name: 'created_at', type: 'long' },
      ],
    });
  });
});

describe('Protobuf schema derived from a DatasetSchema', () => {
  it.each(datasets)('%s: parses as proto3 with the fields in order, numbered 1.., of the mapped types', (_name, schema) => {
    const text = protoSchemaOf(schema);
    expect(text.startsWith('syntax = "proto3";')).toBe(true);
    const type = protobufTypeOf(text);
    expect(type.fieldsArray.map((f) => f.name)).toEqual(schema.fields.map((f) => f.name));
    expect(type.fieldsArray.map((f) => f.id)).toEqual(schema.fields.map((_, i) => i + 1));
    expect(type.fieldsArray.map((f) => f.type)).toEqual(schema.fields.map((f) => PROTOBUF_TYPE[f.type]));
  });

  it('maps every field type; an optional field is proto3 optional, the others are not', () => {
    const text = protoSchemaOf(ALL_TYPES);
    expect(text).toContain('message Ratings {');
    expect(text).toContain('package streaming_lab.datasets;');
    const root = protobuf.parse(text, { keepCase: true }).root;
    const type = root.lookupType('streaming_lab.datasets.Ratings');
    expect(Object.fromEntries(type.fieldsArray.map((f) => [f.name, f.type]))).toEqual({
      a_string: 'string',
      an_int: 'int32',
      a_bigint: 'int64',
      a_double: 'double',
      a_boolean: 'bool',
      a_time: 'int64',
      maybe: 'string',
    });
    expect(type.fields.maybe.options?.proto3_optional).toBe(true);
    expect(type.fields.a_string.options?.proto3_optional).toBeUndefined();
  });

  it('keeps each field doc as a comment', () => {
    const text = protoSchemaOf(paymentsSchema);
    for (const field of paymentsSchema.fields) expect(text).toContain(`// ${field.doc}`);
  });
});

describe('JSON Schema (draft-07) derived from a DatasetSchema', () => {
  it.each(datasets)('%s: one property per field, required = the non-optional fields, nothing else allowed', (_name, schema) => {
    const derived = jsonSchemaOf(schema);
    expect(derived.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(Object.keys(derived.properties)).toEqual(schema.fields.map((f) => f.name));
    expect(derived.required).toEqual(schema.fields.filter((f) => !f.optional).map((f) => f.name));
    expect(derived.additionalProperties).toBe(false);
  });

  it('maps every field type; int is bounded to 32 bits; optional is oneOf null', () => {
    const { properties } = jsonSchemaOf(ALL_TYPES);
    expect(properties.a_string.type).toBe('string');
    expect(properties.an_int).toMatchObject({ type: 'integer', minimum: -2147483648, maximum: 2147483647, 'connect.type': 'int32' });
    expect(properties.a_bigint).toMatchObject({ type: 'integer', 'connect.type': 'int64' });
    expect(properties.a_double.type).toBe('number');
    expect(properties.a_boolean.type).toBe('boolean');
    expect(properties.a_time).toMatchObject({ type: 'integer', 'connect.type': 'int64' });
    expect(properties.maybe.oneOf).toEqual([{ type: 'null' }, { type: 'string', description: 'optional' }]);
  });
});

describe('serdeFor: the schema text each format registers', () => {
  it('registers Avro JSON, .proto text and JSON Schema with the registry schema types', () => {
    const avroSerde = serdeFor(paymentsSchema, 'AVRO');
    expect(avroSerde.schemaType).toBe('AVRO');
    expect(JSON.parse(avroSerde.schemaText)).toEqual(avroSchemaOf(paymentsSchema));
    const protoSerde = serdeFor(paymentsSchema, 'PROTOBUF');
    expect(protoSerde.schemaType).toBe('PROTOBUF');
    expect(protoSerde.schemaText).toBe(protoSchemaOf(paymentsSchema));
    const jsonSerde = serdeFor(paymentsSchema, 'JSON');
    expect(jsonSerde.schemaType).toBe('JSON');
    expect(JSON.parse(jsonSerde.schemaText)).toEqual(jsonSchemaOf(paymentsSchema));
  });
});
