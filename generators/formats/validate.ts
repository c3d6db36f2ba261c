/**
 * Checks an untrusted value (a parsed JSON body) against a dataset's field list: exactly the
 * declared fields, each of its declared type. The first problem is reported with the field it is
 * about, so an HTTP API can answer 400 naming it.
 */
import type { DatasetRecord, FieldValue } from '../dataset-module';
import type { DatasetSchema, FieldSpec, FieldType } from '../schema';

export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

export type ValidationResult =
  | { readonly ok: true; readonly record: DatasetRecord }
  | { readonly ok: false; readonly field: string; readonly message: string };

export interface ValidateOptions {
  /** Longest accepted string field, in characters. Default 1,000. */
  readonly maxStringLength?: number;
  /** Fields that may be absent even though the schema requires them (the caller fills them in). */
  readonly mayOmit?: readonly string[];
}

const EXPECTED: Readonly<Record<FieldType, string>> = {
  string: 'a string',
  int: 'a 32-bit integer',
  bigint: 'an integer (at most 2^53 - 1 in magnitude)',
  double: 'a finite number',
  boolean: 'true or false',
  timestamp_ms: 'epoch milliseconds (a non-negative integer)',
};

/**
 * A UTF-16 surrogate not paired with its partner (in `u` mode a well-formed pair is one code point,
 * so only lone halves match). It has no UTF-8 encoding: Avro and Protobuf would write replacement
 * or invalid bytes, and the record read back would differ from the one accepted.
 */
const LONE_SURROGATE = /\p{Surrogate}/u;

const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`);

function loneSurrogateProblem(value: string): string | undefined {
  const match = LONE_SURROGATE.exec(value);
  if (match === null) return undefined;
  const unit = match[0].charCodeAt(0).toString(16);
  return `contains a lone UTF-16 surrogate (\\u${unit} at index ${match.index}), which has no UTF-8 encoding; send well-formed Unicode text`;
}

/** Why `value` does not fit `field`, or undefined when it does. */
function typeProblem(field: FieldSpec, value: unknown, maxStringLength: number): string | undefined {
  const expected = `must be ${EXPECTED[field.type]}`;
  switch (field.type) {
    case 'string':
      if (typeof value !== 'string') return `${expected}, got ${describe(value)}`;
      if (value.length > maxStringLength) return `is ${value.length} characters long; at most ${maxStringLength} are accepted`;
      return loneSurrogateProblem(value);
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX ? undefined : `${expected}, got ${typeof value === 'number' ? value : describe(value)}`;
    case 'bigint':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : `${expected}, got ${typeof value === 'number' ? value : describe(value)}`;
    case 'double':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${expected}, got ${describe(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${expected}, got ${describe(value)}`;
    case 'timestamp_ms':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? undefined : `${expected}, got ${typeof value === 'number' ? value : describe(value)}`;
  }
}

/** Each schema's field names, made once: the payments API validates every request with them. */
const FIELD_NAMES = new WeakMap<DatasetSchema, ReadonlySet<string>>();

function fieldNamesOf(schema: DatasetSchema): ReadonlySet<string> {
  let names = FIELD_NAMES.get(schema);
  if (names === undefined) {
    names = new Set(schema.fields.map((field) => field.name));
    FIELD_NAMES.set(schema, names);
  }
  return names;
}

export function validateRecord(schema: DatasetSchema, value: unknown, options: ValidateOptions = {}): ValidationResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, field: '(body)', message: `must be a JSON object with the fields ${schema.fields.map((f) => f.name).join(', ')}; got ${describe(value)}` };
  }
  const input = value as Record<string, unknown>;
  const known = fieldNamesOf(schema);
  for (const name in input) {
    if (!Object.hasOwn(input, name)) continue;
    if (!known.has(name)) return { ok: false, field: name, message: `is not a field of ${schema.name}; the fields are ${[...known].join(', ')}` };
  }
  const maxStringLength = options.maxStringLength ?? 1_000;
  const mayOmit = options.mayOmit ?? [];
  const record: Record<string, FieldValue> = {};
  for (const field of schema.fields) {
    const fieldValue = input[field.name];
    if (fieldValue === undefined || (fieldValue === null && field.optional)) {
      if (field.optional || mayOmit.includes(field.name)) {
        if (field.optional) record[field.name] = null;
        continue;
      }
      return { ok: false, field: field.name, message: `is missing; it must be ${EXPECTED[field.type]} (${field.doc})` };
    }
    const problem = typeProblem(field, fieldValue, maxStringLength);
    if (problem !== undefined) return { ok: false, field: field.name, message: problem };
    record[field.name] = fieldValue as FieldValue;
  }
  return { ok: true, record };
}
