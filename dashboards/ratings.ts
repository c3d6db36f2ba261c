import type { DashboardSpec } from './types';

export const RATINGS_DASHBOARD: DashboardSpec = {
  title: 'Product ratings',
  description: 'Bad ratings as they come in, and the worst-rated products',
  arrival: 'PRODUCT_RATING_RANKING',
  panels: [
    {
      kind: 'table',
      title: 'Live feed of bad ratings',
      description: 'The newest ratings under 3 stars',
      sink: 'BAD_RATINGS',
      columns: ['TS', 'STARS', 'CHANNEL', 'USER_ID', 'MESSAGE', 'RATING_ID'],
      sortBy: { field: 'TS', desc: true },
      size: 100,
      width: 14,
      height: 10,
    },
    {
      kind: 'timeseries',
      title: 'Bad ratings per channel',
      description: 'Ratings under 3 stars per channel and minute',
      sink: 'BAD_RATINGS',
      metrics: [{ fn: 'count' }],
      splitBy: { field: 'CHANNEL', top: 10 },
      interval: '1m',
      style: 'bars',
      width: 10,
      height: 10,
    },
    {
      kind: 'table',
      title: 'Worst products',
      description: 'Products by average stars, lowest first, with their number and share of bad ratings (products rated in the last 7 days)',
      sink: 'PRODUCT_RATING_RANKING',
      columns: ['PRODUCT', 'AVG_STARS', 'RATING_COUNT', 'BAD_RATING_COUNT', 'BAD_RATING_SHARE', 'LAST_RATING_TS'],
      sortBy: { field: 'AVG_STARS', desc: false },
      size: 500,
      timeFrom: '7d',
      width: 24,
      height: 10,
    },
  ],
};
