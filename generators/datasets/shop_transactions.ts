/**
 * shop_transactions generator: ten fixed user ids, one per leading digit; a user whose id
 * starts with digit d always pays 10*d, 0 counting as 10. Totals can therefore be checked exactly
 * from counts: sum(amount of user) = count(user) * amountFor(user).
 */
import { records, type DatasetModule } from '../dataset-module';
import { shopTransactionsSchema } from './shop_transactions.schema';

/** Fixed, not drawn from the seed: the rule must hold for every seed and every run. */
export const SHOP_USER_IDS = ['0734', '1285', '2946', '3017', '4562', '5823', '6198', '7340', '8675', '9021'] as const;

/** The amount a shop user always pays: 10 * leading digit, 0 counting as 10. */
export function shopAmountFor(userId: string): number {
  const digit = Number(userId[0]);
  if (!/^[0-9]/.test(userId)) throw new Error(`shop user id '${userId}' must start with a digit`);
  return 10 * (digit === 0 ? 10 : digit);
}

export const shopTransactionsModule: DatasetModule = {
  schema: shopTransactionsSchema,
  flags: [],
  create({ faker }) {
    return {
      next(now) {
        const userId = faker.helpers.arrayElement(SHOP_USER_IDS);
        return records({
          transaction_id: faker.string.uuid(),
          user_id: userId,
          product: faker.commerce.productName(),
          amount: shopAmountFor(userId),
          ts: now,
        });
      },
    };
  },
};
