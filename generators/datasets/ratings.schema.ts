import { datasetSchema } from '../schema';

/** Product ratings of 1 to 5 stars. Keyed by product so the per-product table needs no repartition. */
export const ratingsSchema = datasetSchema({
  name: 'ratings',
  description: 'Product ratings of 1 to 5 stars; ratings below 3 are bad ratings',
  sink: { kind: 'kafka', topic: 'ratings' },
  fields: [
    { name: 'rating_id', type: 'string', doc: 'UUID, unique per rating' },
    { name: 'product', type: 'string', doc: 'Rated product name; also the message key' },
    { name: 'user_id', type: 'string', doc: 'Id of the rating user' },
    { name: 'stars', type: 'int', doc: 'Stars, 1 to 5; < 3 is a bad rating' },
    { name: 'channel', type: 'string', doc: 'Where the rating was given: web, ios, android or email' },
    { name: 'message', type: 'string', doc: 'Free-text comment' },
    { name: 'ts', type: 'timestamp_ms', doc: 'Event time, epoch milliseconds' },
  ],
  keyField: 'product',
  timestampField: 'ts',
  formats: ['JSON'],
});
