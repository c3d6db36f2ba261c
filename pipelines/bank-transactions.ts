import { BANK_TRANSACTIONS_DASHBOARD } from '../dashboards/bank-transactions';
import { bankTransactionsSchema } from '../generators/datasets/bank_transactions.schema';
import { declarePipeline } from './declare';

export const BANK_TRANSACTIONS_PIPELINE = declarePipeline({
  title: 'Bank withdrawal fraud detection',
  datasets: [bankTransactionsSchema],
  // A fraud spree at start: a user crosses 5,000,000 in a day within the first minute.
  generatorArgs: { bank_transactions: ['--burst'] },
  needs: [],
  sinks: [
    { object: 'LARGE_WITHDRAWALS', note: '> 1,000,000' },
    { object: 'SUSPICIOUS_WITHDRAWAL_USERS', note: '> 5,000,000 in a day' },
    { object: 'USER_TRANSACTION_TOTALS' },
  ],
  dashboard: BANK_TRANSACTIONS_DASHBOARD,
});
