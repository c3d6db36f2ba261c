/**
 * bank_transactions generator: everyday deposits and withdrawals, plus very large withdrawals
 * (> 1,000,000) that all come from a few suspicious users, so those users cross 5,000,000 of
 * withdrawals within a day. `--burst` (and SIGUSR1) makes one suspicious user withdraw more than
 * 5,000,000 at once, in three withdrawals.
 */
import { booleanFlag, numberFlag, records, type DatasetModule, type DatasetRecord, type FlagSpec } from '../dataset-module';
import { cents } from '../random';
import { bankTransactionsSchema } from './bank_transactions.schema';

export const LARGE_WITHDRAWAL = 1_000_000;
export const DAILY_WITHDRAWAL_LIMIT = 5_000_000;

export const BANK_TRANSACTIONS_FLAGS: readonly FlagSpec[] = [
  { name: 'users', kind: 'integer', default: 50, min: 2, max: 1_000_000, description: 'Number of account holders' },
  { name: 'suspicious-users', kind: 'integer', default: 3, min: 1, max: 1_000_000, description: 'Users who make the very large withdrawals (must be < --users)' },
  {
    name: 'large-withdrawal-probability',
    kind: 'number',
    default: 0.01,
    min: 0,
    max: 1,
    description: 'Probability per record of a withdrawal above 1,000,000 by a suspicious user',
  },
  { name: 'burst', kind: 'boolean', description: 'Start with a fraud spree: one user withdraws over 5,000,000 at once (SIGUSR1 triggers another)' },
];

interface Holder {
  readonly userId: string;
  readonly accounts: readonly string[];
}

export const bankTransactionsModule: DatasetModule = {
  schema: bankTransactionsSchema,
  flags: BANK_TRANSACTIONS_FLAGS,
  create({ faker, flags }) {
    const userCount = numberFlag(flags, 'users');
    const suspiciousCount = numberFlag(flags, 'suspicious-users');
    if (suspiciousCount >= userCount) {
      throw new Error(`--suspicious-users (${suspiciousCount}) must be below --users (${userCount}): some users must stay ordinary`);
    }
    const largeProbability = numberFlag(flags, 'large-withdrawal-probability');
    const holders: Holder[] = Array.from({ length: userCount }, (_, i) => ({
      userId: `user_${String(i + 1).padStart(4, '0')}`,
      accounts: Array.from({ length: faker.number.int({ min: 1, max: 2 }) }, () => faker.finance.accountNumber(10)),
    }));
    const suspicious = faker.helpers.arrayElements(holders, suspiciousCount);
    let spreeRequested = booleanFlag(flags, 'burst');

    const txn = (holder: Holder, type: 'DEPOSIT' | 'WITHDRAWAL', amount: number, ts: number): DatasetRecord => ({
      txn_id: faker.string.uuid(),
      user_id: holder.userId,
      account_id: faker.helpers.arrayElement(holder.accounts),
      type,
      amount: cents(amount),
      ts,
    });
    const large = (): number => faker.number.float({ min: LARGE_WITHDRAWAL + 1, max: 2_500_000 });

    return {
      trigger() {
        spreeRequested = true;
      },
      next(now) {
        if (spreeRequested) {
          spreeRequested = false;
          const holder = faker.helpers.arrayElement(suspicious);
          // Three withdrawals of at least 1,700,000 each: always more than 5,000,000 in total.
          return records(...[0, 1, 2].map((i) => txn(holder, 'WITHDRAWAL', faker.number.float({ min: 1_700_000, max: 2_400_000 }), now + i)));
        }
        if (faker.number.float({ min: 0, max: 1 }) < largeProbability) {
          return records(txn(faker.helpers.arrayElement(suspicious), 'WITHDRAWAL', large(), now));
        }
        const holder = faker.helpers.arrayElement(holders);
        return faker.datatype.boolean()
          ? records(txn(holder, 'DEPOSIT', faker.number.float({ min: 10, max: 5_000 }), now))
          : records(txn(holder, 'WITHDRAWAL', faker.number.float({ min: 10, max: 3_000 }), now));
      },
    };
  },
};
