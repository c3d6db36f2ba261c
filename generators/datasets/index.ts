/** Every dataset's module (schema, flags, generator) by name: what the CLI runs. */
import type { DatasetModule } from '../dataset-module';
import type { DatasetName } from '../schema';
import { bankTransactionsModule } from './bank_transactions';
import { clickstreamModule } from './clickstream';
import { clickstreamCodesModule } from './clickstream_codes';
import { clickstreamUsersModule } from './clickstream_users';
import { moodleLogsModule } from './moodle_logs';
import { moodlePredictionsModule } from './moodle_predictions';
import { paymentsModule } from './payments';
import { ratingsModule } from './ratings';
import { serverLogsModule } from './server_logs';
import { shopTransactionsModule } from './shop_transactions';

export const DATASETS: Readonly<Record<DatasetName, DatasetModule>> = {
  server_logs: serverLogsModule,
  ratings: ratingsModule,
  bank_transactions: bankTransactionsModule,
  clickstream: clickstreamModule,
  clickstream_codes: clickstreamCodesModule,
  clickstream_users: clickstreamUsersModule,
  moodle_logs: moodleLogsModule,
  moodle_predictions: moodlePredictionsModule,
  shop_transactions: shopTransactionsModule,
  payments: paymentsModule,
};
