import type { DashboardSpec } from './types';

/** The daily limit of SUSPICIOUS_WITHDRAWAL_USERS (HAVING SUM(AMOUNT) > 5000000 in ksql/bank-transactions.sql). */
export const DAILY_WITHDRAWAL_LIMIT = 5_000_000;

export const BANK_TRANSACTIONS_DASHBOARD: DashboardSpec = {
  title: 'Bank withdrawal fraud',
  description: 'Large withdrawals as they happen, users above the daily limit, and running totals per user',
  arrival: 'USER_TRANSACTION_TOTALS',
  panels: [
    {
      kind: 'table',
      title: 'Large withdrawals',
      description: 'The newest withdrawals over 1,000,000',
      sink: 'LARGE_WITHDRAWALS',
      columns: ['TS', 'ACCOUNT_ID', 'AMOUNT', 'TXN_ID'],
      sortBy: { field: 'TS', desc: true },
      size: 100,
      width: 12,
      height: 9,
    },
    {
      kind: 'timeseries',
      title: 'Amount of large withdrawals',
      description: 'Sum of withdrawals over 1,000,000 per minute',
      sink: 'LARGE_WITHDRAWALS',
      metrics: [{ fn: 'sum', field: 'AMOUNT' }],
      interval: '1m',
      style: 'bars',
      width: 12,
      height: 9,
    },
    {
      kind: 'table',
      title: `Users above ${DAILY_WITHDRAWAL_LIMIT.toLocaleString('en-US')} in a day`,
      description: 'Users whose withdrawals within one day exceed the limit, per day (the last 7 days)',
      sink: 'SUSPICIOUS_WITHDRAWAL_USERS',
      columns: ['WINDOW_START', 'USER_ID', 'WITHDRAWN_AMOUNT', 'WITHDRAWAL_COUNT'],
      sortBy: { field: 'WITHDRAWN_AMOUNT', desc: true },
      size: 200,
      highlight: { field: 'WITHDRAWN_AMOUNT', from: DAILY_WITHDRAWAL_LIMIT },
      timeFrom: '7d',
      width: 12,
      height: 9,
    },
    {
      kind: 'table',
      title: 'Running totals per user',
      description: 'Deposits, withdrawals and their difference per user since the start (users active in the last 7 days)',
      sink: 'USER_TRANSACTION_TOTALS',
      columns: ['USER_ID', 'TOTAL_DEPOSITS', 'TOTAL_WITHDRAWALS', 'NET_AMOUNT', 'TRANSACTION_COUNT', 'LAST_TRANSACTION_TS'],
      sortBy: { field: 'TOTAL_WITHDRAWALS', desc: true },
      size: 500,
      timeFrom: '7d',
      width: 12,
      height: 9,
    },
  ],
};
