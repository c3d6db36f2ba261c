/** Names that the derived schemas share, so the Avro record and the Protobuf message agree. */
import type { DatasetSchema } from '../schema';

/** Avro namespace and Protobuf package of every dataset's value schema. */
export const SCHEMA_NAMESPACE = 'streaming_lab.datasets';

/** `payments` -> `Payments`, `clickstream_codes` -> `ClickstreamCodes`: a valid Avro and Protobuf name. */
export function recordName(schema: DatasetSchema): string {
  return schema.name
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
