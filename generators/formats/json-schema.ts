/** The JSON Schema (draft-07) of a dataset, as Confluent's JSON_SR format registers it. */
import type { DatasetSchema, FieldType } from '../schema';
import { recordName } from './names';

export interface JsonSchemaProperty {
  readonly type?: 'string' | 'integer' | 'number' | 'boolean' | 'null';
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  /** Confluent's JSON Schema converter reads this to pick the Connect integer width. */
  readonly 'connect.type'?: 'int32' | 'int64';
  readonly oneOf?: readonly JsonSchemaProperty[];
}

export interface JsonObjectSchema {
  readonly $schema: 'http://json-schema.org/draft-07/schema#';
  readonly title: string;
  readonly description: string;
  readonly type: 'object';
  readonly properties: Readonly<Record<string, JsonSchemaProperty>>;
  readonly required: readonly string[];
  readonly additionalProperties: false;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function propertyFor(type: FieldType): JsonSchemaProperty {
  switch (type) {
    case 'string':
      return { type: 'string' };
    case 'int':
      return { type: 'integer', minimum: INT32_MIN, maximum: INT32_MAX, 'connect.type': 'int32' };
    case 'bigint':
    case 'timestamp_ms':
      return { type: 'integer', 'connect.type': 'int64' };
    case 'double':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
  }
}

export function jsonSchemaOf(schema: DatasetSchema): JsonObjectSchema {
  const properties: Record<string, JsonSchemaProperty> = {};
  for (const field of schema.fields) {
    const property = { ...propertyFor(field.type), description: field.doc };
    // Confluent's converter reads oneOf [null, T] as an optional T.
    properties[field.name] = field.optional ? { oneOf: [{ type: 'null' }, property], description: field.doc } : property;
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: recordName(schema),
    description: schema.description,
    type: 'object',
    properties,
    required: schema.fields.filter((field) => !field.optional).map((field) => field.name),
    additionalProperties: false,
  };
}
