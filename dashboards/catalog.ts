/**
 * Every pipeline's dashboard, by pipeline: the Record type makes a pipeline without a dashboard a
 * compile error. Each module declares its panels in terms of the pipeline's sink objects.
 */
import type { PipelineName } from '../pipelines/types';
import { BANK_TRANSACTIONS_DASHBOARD } from './bank-transactions';
import { CLICKSTREAM_DASHBOARD } from './clickstream';
import { MOODLE_DASHBOARD } from './moodle';
import { PAYMENTS_DASHBOARD } from './payments';
import { RATINGS_DASHBOARD } from './ratings';
import { SERVER_LOGS_DASHBOARD } from './server-logs';
import { SHOP_DASHBOARD } from './shop';
import type { DashboardDecl } from './types';

export const DASHBOARDS: Readonly<Record<PipelineName, DashboardDecl>> = {
  'server-logs': SERVER_LOGS_DASHBOARD,
  ratings: RATINGS_DASHBOARD,
  'bank-transactions': BANK_TRANSACTIONS_DASHBOARD,
  clickstream: CLICKSTREAM_DASHBOARD,
  moodle: MOODLE_DASHBOARD,
  shop: SHOP_DASHBOARD,
  payments: PAYMENTS_DASHBOARD,
};
