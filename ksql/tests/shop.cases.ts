/**
 * Statement tests of ksql/shop.sql (`npm run test:statements -- shop`): the shop's income per
 * 3-second window, written once per window when it closes (EMIT FINAL, 1 second of grace).
 * A user whose id starts with digit d pays 10*d (0 pays 100), the shop_transactions generator's
 * rule, so each window's total is known exactly.
 */
import { double, type InputRecord, type PipelineCases } from '../../tools/statement-tests/case';

const T0 = Date.UTC(2026, 0, 1, 12);
const WINDOW = 3_000;

let nextId = 1;
/** A purchase by user `<digit>00<n>`: the amount is 10 * digit, 100 for digit 0. */
function purchase(digit: number, at: number): InputRecord {
  const user = `${digit}00${nextId}`;
  return {
    into: 'SHOP_TRANSACTIONS',
    key: user,
    value: { transaction_id: `tx-${nextId++}`, user_id: user, product: 'mug', amount: digit === 0 ? 100 : 10 * digit, ts: T0 + at },
  };
}

function income(windowIndex: number, total: number, count: number) {
  const start = T0 + windowIndex * WINDOW;
  return {
    key: 'shop',
    window: { type: 'TIME' as const, start, end: start + WINDOW },
    value: { WINDOW_START: start, WINDOW_END: start + WINDOW, INCOME: double(total), TRANSACTION_COUNT: count },
  };
}

export const cases: PipelineCases = {
  pipeline: 'shop',
  cases: [
    {
      name: 'income per 3-second window, written when the window closes (its end + 1 s of grace); a record later than that is dropped; the newest window waits for a later record',
      inputs: [
        // Window 0 (0 .. 3 s): 10 + 20 + 100.
        purchase(1, 0),
        purchase(2, 1_000),
        purchase(0, WINDOW - 1),
        // Window 1 (3 .. 6 s) starts at 3 s exactly.
        purchase(9, WINDOW),
        purchase(5, WINDOW + 999),
        // 2.5 s, arriving at stream time 3.999 s: within the grace, window 0 takes it (+30).
        purchase(3, 2_500),
        // 4 s = window 0's end + grace: window 0 is written, with 4 transactions.
        purchase(4, WINDOW + 1_000),
        // 1 s, arriving after window 0 closed: dropped, in no window.
        purchase(7, 1_000),
        // 7 s closes window 1 (9 + 5 + 4 digits: 90 + 50 + 40); window 2 holds this 80 and stays open.
        purchase(8, 7_000),
      ],
      expect: {
        SHOP_INCOME_PER_3_SECONDS: [income(0, 160, 4), income(1, 180, 3)],
      },
    },
  ],
};
