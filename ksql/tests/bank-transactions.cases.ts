/**
 * Statement tests of ksql/bank-transactions.sql (`npm run test:statements -- bank-transactions`):
 * single withdrawals above 1,000,000, users whose withdrawals exceed 5,000,000 in a UTC day,
 * and the running sums per user. Amounts sit exactly at and just around each limit.
 */
import { double, type InputRecord, type PipelineCases } from '../../tools/statement-tests/case';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

function txn(id: string, user: string, type: 'DEPOSIT' | 'WITHDRAWAL', amount: number, ts: number): InputRecord {
  return { into: 'BANK_TRANSACTIONS', key: user, value: { txn_id: id, user_id: user, account_id: `acc-${user}`, type, amount, ts } };
}

function suspicious(user: string, day: number, amount: number, count: number) {
  const start = T0 + day * DAY;
  return {
    key: user,
    window: { type: 'TIME' as const, start, end: start + DAY },
    value: { USER_ID: user, WINDOW_START: start, WINDOW_END: start + DAY, WITHDRAWN_AMOUNT: double(amount), WITHDRAWAL_COUNT: count },
  };
}

function totals(user: string, deposits: number, withdrawals: number, count: number, lastTs: number) {
  return {
    key: user,
    value: {
      USER_ID: user,
      TOTAL_DEPOSITS: double(deposits),
      TOTAL_WITHDRAWALS: double(withdrawals),
      NET_AMOUNT: double(deposits - withdrawals),
      TRANSACTION_COUNT: count,
      LAST_TRANSACTION_TS: lastTs,
    },
  };
}

export const cases: PipelineCases = {
  pipeline: 'bank-transactions',
  cases: [
    {
      name: 'large withdrawals are above 1,000,000 (exactly 1,000,000 is not; deposits never are)',
      inputs: [
        txn('t1', 'alice', 'WITHDRAWAL', 1_000_000, T0 + 1_000),
        txn('t2', 'alice', 'WITHDRAWAL', 1_000_000.01, T0 + 2_000),
        txn('t3', 'bob', 'DEPOSIT', 3_000_000, T0 + 3_000),
        txn('t4', 'bob', 'WITHDRAWAL', 999_999.99, T0 + 4_000),
      ],
      expect: {
        LARGE_WITHDRAWALS: [
          { key: 'alice', value: { TXN_ID: 't2', ACCOUNT_ID: 'acc-alice', TYPE: 'WITHDRAWAL', AMOUNT: double(1_000_000.01), TS: T0 + 2_000 } },
        ],
        USER_TRANSACTION_TOTALS: [
          totals('alice', 0, 1_000_000, 1, T0 + 1_000),
          totals('alice', 0, 2_000_000.01, 2, T0 + 2_000),
          totals('bob', 3_000_000, 0, 1, T0 + 3_000),
          totals('bob', 3_000_000, 999_999.99, 2, T0 + 4_000),
        ],
      },
    },
    {
      name: 'suspicious users withdraw more than 5,000,000 within one UTC day (exactly 5,000,000 is not; deposits and the next day do not count)',
      inputs: [
        // carol: 5,000,000 exactly on day 0, a deposit does not add; then 0.01 more crosses it.
        txn('c1', 'carol', 'WITHDRAWAL', 2_500_000, T0 + 1_000),
        txn('c2', 'carol', 'DEPOSIT', 9_000_000, T0 + 2_000),
        txn('c3', 'carol', 'WITHDRAWAL', 2_500_000, T0 + 3_000),
        txn('c4', 'carol', 'WITHDRAWAL', 0.01, T0 + 4_000),
        // dave: 3,000,000 in the last millisecond of day 0 and 3,000,000 at midnight: two days, neither over.
        txn('d1', 'dave', 'WITHDRAWAL', 3_000_000, T0 + DAY - 1),
        txn('d2', 'dave', 'WITHDRAWAL', 3_000_000, T0 + DAY),
      ],
      expect: {
        SUSPICIOUS_WITHDRAWAL_USERS: [suspicious('carol', 0, 5_000_000.01, 3)],
      },
    },
  ],
};
