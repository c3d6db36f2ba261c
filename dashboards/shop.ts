import type { DashboardSpec } from './types';

export const SHOP_DASHBOARD: DashboardSpec = {
  title: 'Shop income',
  description: 'Income per 3-second window, from the index the shop sink writes (the same rows Pinot reads)',
  from: 'now-15m',
  arrival: 'SHOP_INCOME_PER_3_SECONDS',
  panels: [
    {
      kind: 'timeseries',
      title: 'Income per 3-second window',
      description: 'Sum of transaction amounts per 3-second tumbling window',
      sink: 'SHOP_INCOME_PER_3_SECONDS',
      metrics: [{ fn: 'sum', field: 'INCOME' }],
      interval: '3s',
      style: 'bars',
      width: 16,
      height: 9,
    },
    {
      kind: 'stat',
      title: 'Income in the time range',
      description: 'Sum of the income of every window in the time range',
      sink: 'SHOP_INCOME_PER_3_SECONDS',
      metric: { fn: 'sum', field: 'INCOME' },
      width: 8,
      height: 9,
    },
    {
      kind: 'timeseries',
      title: 'Transactions per 3-second window',
      description: 'Number of transactions per window',
      sink: 'SHOP_INCOME_PER_3_SECONDS',
      metrics: [{ fn: 'sum', field: 'TRANSACTION_COUNT' }],
      interval: '3s',
      width: 24,
      height: 8,
    },
  ],
};
