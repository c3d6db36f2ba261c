import type { DatasetRecord } from '../dataset-module';
import type { DatasetSchema } from '../schema';

/** A record ready for a sink: its key and timestamp derived from the schema, its value as JSON. */
export interface OutMessage {
  readonly record: DatasetRecord;
  /** String(value of the schema's key field), or null for unkeyed datasets. */
  readonly key: string | null;
  /** Event time (the schema's timestamp field), or the production time for datasets without one. */
  readonly timestamp: number;
  readonly value: string;
}

export function toMessage(schema: DatasetSchema, record: DatasetRecord, productionTime: number): OutMessage {
  const keyValue = schema.keyField === undefined ? null : record[schema.keyField];
  if (schema.keyField !== undefined && (keyValue === null || keyValue === undefined)) {
    throw new Error(`${schema.name}: record has no value for key field '${schema.keyField}': ${JSON.stringify(record)}`);
  }
  const eventTime = schema.timestampField === undefined ? productionTime : record[schema.timestampField];
  if (typeof eventTime !== 'number') {
    throw new Error(`${schema.name}: timestamp field '${schema.timestampField}' is not epoch milliseconds: ${JSON.stringify(record)}`);
  }
  return { record, key: keyValue === null ? null : String(keyValue), timestamp: eventTime, value: JSON.stringify(record) };
}
