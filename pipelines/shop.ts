import { SHOP_DASHBOARD } from '../dashboards/shop';
import { shopTransactionsSchema } from '../generators/datasets/shop_transactions.schema';
import { declarePipeline } from './declare';

export const SHOP_PIPELINE = declarePipeline({
  title: 'Shop income per 3-second window into Apache Pinot',
  datasets: [shopTransactionsSchema],
  needs: ['pinot'],
  sinks: [
    { object: 'SHOP_INCOME_PER_3_SECONDS', note: 'topic `window_transactions`' },
  ],
  // One row per closed window (EMIT FINAL), so SUM(INCOME) over the table is the shop's income.
  pinot: {
    object: 'SHOP_INCOME_PER_3_SECONDS',
    timeColumn: 'WINDOW_START',
    metrics: { INCOME: 'DOUBLE', TRANSACTION_COUNT: 'LONG' },
  },
  dashboard: SHOP_DASHBOARD,
});
