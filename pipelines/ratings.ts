import { RATINGS_DASHBOARD } from '../dashboards/ratings';
import { ratingsSchema } from '../generators/datasets/ratings.schema';
import { declarePipeline } from './declare';

export const RATINGS_PIPELINE = declarePipeline({
  title: 'Product ratings and bad-rating alerts',
  datasets: [ratingsSchema],
  needs: [],
  sinks: [
    { object: 'BAD_RATINGS', note: '< 3 stars' },
    { object: 'PRODUCT_RATING_RANKING' },
  ],
  dashboard: RATINGS_DASHBOARD,
});
