/**
 * Statement tests of ksql/ratings.sql (`npm run test:statements -- ratings`): bad ratings are
 * those below 3 stars, and the per-product ranking's running figures.
 */
import { double, type InputRecord, type PipelineCases } from '../../tools/statement-tests/case';

const T0 = Date.UTC(2026, 0, 1);

function rating(n: number, product: string, stars: number): InputRecord {
  return {
    into: 'RATINGS',
    key: product,
    value: { rating_id: `r-${n}`, product, user_id: `u-${n}`, stars, channel: 'web', message: `${stars} stars`, ts: T0 + n * 1_000 },
  };
}

function badRating(n: number, product: string, stars: number) {
  return { key: product, value: { RATING_ID: `r-${n}`, USER_ID: `u-${n}`, STARS: stars, CHANNEL: 'web', MESSAGE: `${stars} stars`, TS: T0 + n * 1_000 } };
}

function ranking(product: string, avg: number, count: number, bad: number, share: number, lastN: number) {
  return {
    key: product,
    value: { PRODUCT: product, AVG_STARS: double(avg), RATING_COUNT: count, BAD_RATING_COUNT: bad, BAD_RATING_SHARE: double(share), LAST_RATING_TS: T0 + lastN * 1_000 },
  };
}

export const cases: PipelineCases = {
  pipeline: 'ratings',
  cases: [
    {
      name: 'bad ratings are 1 and 2 stars (2 is in, 3 is out); the ranking averages and counts per product',
      inputs: [rating(1, 'kettle', 3), rating(2, 'kettle', 2), rating(3, 'toaster', 5), rating(4, 'kettle', 1), rating(5, 'toaster', 4)],
      expect: {
        BAD_RATINGS: [badRating(2, 'kettle', 2), badRating(4, 'kettle', 1)],
        PRODUCT_RATING_RANKING: [
          ranking('kettle', 3, 1, 0, 0, 1),
          ranking('kettle', 2.5, 2, 1, 0.5, 2),
          ranking('toaster', 5, 1, 0, 0, 3),
          ranking('kettle', 2, 3, 2, 2 / 3, 4),
          ranking('toaster', 4.5, 2, 0, 0, 5),
        ],
      },
    },
  ],
};
