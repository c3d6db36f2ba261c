/**
 * Every dataset's schema by name. Imports only the *.schema.ts modules (no faker, no kafkajs) so
 * the CDKTF stack and the ksqlDB checks can load it cheaply.
 */
import type { DatasetName, DatasetSchema } from '../schema';
import { bankTransactionsSchema } from './bank_transactions.schema';
import { clickstreamSchema } from './clickstream.schema';
import { clickstreamCodesSchema } from './clickstream_codes.schema';
import { clickstreamUsersSchema } from './clickstream_users.schema';
import { moodleLogsSchema } from './moodle_logs.schema';
import { moodlePredictionsSchema } from './moodle_predictions.schema';
import { paymentsSchema } from './payments.schema';
import { ratingsSchema } from './ratings.schema';
import { serverLogsSchema } from './server_logs.schema';
import { shopTransactionsSchema } from './shop_transactions.schema';

export const DATASET_SCHEMAS: Readonly<Record<DatasetName, DatasetSchema>> = {
  server_logs: serverLogsSchema,
  ratings: ratingsSchema,
  bank_transactions: bankTransactionsSchema,
  clickstream: clickstreamSchema,
  clickstream_codes: clickstreamCodesSchema,
  clickstream_users: clickstreamUsersSchema,
  moodle_logs: moodleLogsSchema,
  moodle_predictions: moodlePredictionsSchema,
  shop_transactions: shopTransactionsSchema,
  payments: paymentsSchema,
};
