/** ratings generator: mostly good ratings of a fixed product range, with a configurable share of bad ones (< 3 stars). */
import { numberFlag, records, type DatasetModule, type FlagSpec } from '../dataset-module';
import { ratingsSchema } from './ratings.schema';

const CHANNELS = ['web', 'ios', 'android', 'email'] as const;
const COMMENTS: Readonly<Record<number, readonly string[]>> = {
  1: ['Broke after two days.', 'Not as described, returning it.', 'Terrible quality, avoid.'],
  2: ['Disappointing for the price.', 'Arrived late and scratched.', 'Works, but barely.'],
  3: ['It is fine.', 'Average, does the job.', 'OK for occasional use.'],
  4: ['Good value.', 'Nice quality, fast delivery.', 'Would buy again.'],
  5: ['Excellent!', 'Exactly what I needed.', 'Best purchase this year.'],
};

export const RATINGS_FLAGS: readonly FlagSpec[] = [
  { name: 'bad-rating-probability', kind: 'number', default: 0.15, min: 0, max: 1, description: 'Share of bad ratings (1 or 2 stars)' },
  { name: 'products', kind: 'integer', default: 25, min: 1, max: 10_000, description: 'Number of distinct products rated' },
];

export const ratingsModule: DatasetModule = {
  schema: ratingsSchema,
  flags: RATINGS_FLAGS,
  create({ faker, flags }) {
    const badProbability = numberFlag(flags, 'bad-rating-probability');
    // Product names are drawn once, so the per-product table ranks a stable range.
    const products = faker.helpers.uniqueArray(() => faker.commerce.productName(), numberFlag(flags, 'products'));
    return {
      next(now) {
        const stars = faker.number.float({ min: 0, max: 1 }) < badProbability ? faker.number.int({ min: 1, max: 2 }) : faker.number.int({ min: 3, max: 5 });
        return records({
          rating_id: faker.string.uuid(),
          product: faker.helpers.arrayElement(products),
          user_id: `u${faker.number.int({ min: 10_000, max: 99_999 })}`,
          stars,
          channel: faker.helpers.arrayElement(CHANNELS),
          message: faker.helpers.arrayElement(COMMENTS[stars]),
          ts: now,
        });
      },
    };
  },
};
