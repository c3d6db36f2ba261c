import { datasetSchema } from '../schema';

/** HTTP status codes and their meaning, which the clickstream pipeline joins: a small keyed reference table, keyed by code. */
export const clickstreamCodesSchema = datasetSchema({
  name: 'clickstream_codes',
  description: 'HTTP status codes and their definitions, a reference table for the clickstream',
  sink: { kind: 'kafka', topic: 'clickstream_codes' },
  fields: [
    { name: 'code', type: 'int', doc: 'HTTP status code; its decimal string is the message key' },
    { name: 'definition', type: 'string', doc: 'What the status code means' },
  ],
  keyField: 'code',
  formats: ['JSON'],
});
