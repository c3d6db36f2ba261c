/** The Protobuf (proto3) schema of a dataset, derived from its DatasetSchema field list. */
import * as protobuf from 'protobufjs';
import type { DatasetRecord, FieldValue } from '../dataset-module';
import type { DatasetSchema, FieldType } from '../schema';
import { recordName, SCHEMA_NAMESPACE } from './names';

/** Timestamps are int64 epoch ms (not google.protobuf.Timestamp), as ksqlDB's BIGINT columns expect. */
export const PROTOBUF_TYPE: Readonly<Record<FieldType, string>> = {
  string: 'string',
  int: 'int32',
  bigint: 'int64',
  double: 'double',
  boolean: 'bool',
  timestamp_ms: 'int64',
};

/** One-line doc comment: the .proto text is what the registry stores and people read. */
const comment = (text: string): string => `// ${text.replace(/\s+/g, ' ').trim()}`;

/**
 * The .proto text: one message, fields numbered 1.. in schema order. Field numbers are the wire
 * identity of a field, so fields must only ever be appended to a dataset schema, never reordered.
 */
export function protoSchemaOf(schema: DatasetSchema): string {
  const lines = [
    'syntax = "proto3";',
    '',
    `package ${SCHEMA_NAMESPACE};`,
    '',
    comment(schema.description),
    `message ${recordName(schema)} {`,
  ];
  schema.fields.forEach((field, index) => {
    lines.push(`  ${comment(field.doc)}`);
    lines.push(`  ${field.optional ? 'optional ' : ''}${PROTOBUF_TYPE[field.type]} ${field.name} = ${index + 1};`);
  });
  lines.push('}', '');
  return lines.join('\n');
}

/**
 * The first message type of a .proto text, which is the one the Confluent wire format's message
 * index [0] designates. keepCase keeps snake_case field names as written (protobufjs would
 * otherwise camelCase them and the decoded record would not match the dataset's field names).
 */
export function protobufTypeOf(protoText: string): protobuf.Type {
  const parsed = protobuf.parse(protoText, { keepCase: true });
  const first = firstMessage(parsed.root);
  if (first === undefined) throw new Error('the Protobuf schema declares no message');
  return first;
}

function firstMessage(namespace: protobuf.NamespaceBase): protobuf.Type | undefined {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) return nested;
    if (nested instanceof protobuf.Namespace) {
      const found = firstMessage(nested);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export function encodeProtobuf(type: protobuf.Type, record: DatasetRecord): Buffer {
  const problem = type.verify(record);
  if (problem !== null) throw new Error(`record does not fit Protobuf message ${type.name}: ${problem}`);
  return Buffer.from(type.encode(type.fromObject(record)).finish());
}

/**
 * Decodes to the dataset's record shape: int64 as numbers (account numbers and epoch ms are far
 * below 2^53), proto3 defaults filled in for fields the wire omits, absent optionals as null.
 */
export function decodeProtobuf(type: protobuf.Type, payload: Buffer): DatasetRecord {
  const object = type.toObject(type.decode(payload), { longs: Number, defaults: true }) as Record<string, FieldValue>;
  const record: Record<string, FieldValue> = {};
  for (const field of type.fieldsArray) record[field.name] = object[field.name] ?? null;
  return record;
}
