import type { DatasetRecord } from '../../generators/dataset-module';
import { defaultFlags } from '../../generators/dataset-module';
import { datasetModule } from '../../generators/datasets';
import { CLICKSTREAM_CODES } from '../../generators/datasets/clickstream-reference';
import { SHOP_USER_IDS, shopAmountFor } from '../../generators/datasets/shop_transactions';
import { createFaker } from '../../generators/random';
import { drive, START } from './drive';

const num = (record: DatasetRecord, field: string): number => record[field] as number;
const str = (record: DatasetRecord, field: string): string => record[field] as string;
const MINUTE = 60_000;
const DAY = 24 * 3600 * 1000;

/** Error counts per host and 1-minute tumbling window, as the ksqlDB alert computes them. */
function errorWindows(logs: readonly DatasetRecord[]): Map<string, number> {
  const windows = new Map<string, number>();
  for (const log of logs) {
    if (num(log, 'status') < 500) continue;
    const window = `${str(log, 'host')}@${Math.floor(num(log, 'ts') / MINUTE)}`;
    windows.set(window, (windows.get(window) ?? 0) + 1);
  }
  return windows;
}
const alerts = (logs: readonly DatasetRecord[]): number => [...errorWindows(logs).values()].filter((count) => count >= 5).length;

describe('server_logs error bursts', () => {
  it('--burst starts with >= 5 errors from one host within one minute', () => {
    const logs = drive('server_logs', 12, { flags: { burst: true } });
    expect(new Set(logs.map((log) => log.host)).size).toBe(1);
    expect(logs.every((log) => num(log, 'status') >= 500)).toBe(true);
    expect(alerts(logs)).toBe(1);
  });

  it('random bursts trip the alert at the configured probability, and ordinary traffic alone does not', () => {
    // 10 records/s for an hour of simulated time.
    const quiet = drive('server_logs', 36_000, { flags: { 'error-probability': 0 } });
    const stormy = drive('server_logs', 36_000, { flags: { 'error-probability': 0.001 } });
    expect(quiet.some((log) => num(log, 'status') >= 500)).toBe(true);
    expect(alerts(quiet)).toBe(0);
    // About 36 bursts expected; each is one alert window.
    expect(alerts(stormy)).toBeGreaterThanOrEqual(20);
    expect(alerts(stormy)).toBeLessThanOrEqual(60);
  });

  it('a burst of 9 trips the alert even when it straddles a window boundary', () => {
    const module = datasetModule('server_logs');
    const generator = module.create({ faker: createFaker(3), flags: defaultFlags(module.flags, { 'burst-size': 9 }) });
    generator.trigger!();
    const step = generator.next(START + MINUTE - 4);
    if (step.kind !== 'records') throw new Error('expected records');
    expect(alerts(step.records)).toBe(1);
  });
});

describe('bank_transactions withdrawals', () => {
  const txns = drive('bank_transactions', 20_000, { stepMs: 1000 });
  const withdrawals = txns.filter((txn) => txn.type === 'WITHDRAWAL');

  it('are deposits or withdrawals with positive amounts, and some withdrawals exceed 1,000,000', () => {
    expect(new Set(txns.map((txn) => txn.type))).toEqual(new Set(['DEPOSIT', 'WITHDRAWAL']));
    expect(txns.every((txn) => num(txn, 'amount') > 0)).toBe(true);
    expect(withdrawals.filter((txn) => num(txn, 'amount') > 1_000_000).length).toBeGreaterThan(50);
  });

  it('some users, at most the 3 suspicious ones, withdraw more than 5,000,000 within one day', () => {
    const perUserDay = new Map<string, number>();
    for (const txn of withdrawals) {
      const key = `${str(txn, 'user_id')}@${Math.floor(num(txn, 'ts') / DAY)}`;
      perUserDay.set(key, (perUserDay.get(key) ?? 0) + num(txn, 'amount'));
    }
    const crossing = new Set([...perUserDay].filter(([, sum]) => sum > 5_000_000).map(([key]) => key.split('@')[0]));
    expect(crossing.size).toBeGreaterThanOrEqual(1);
    expect(crossing.size).toBeLessThanOrEqual(3);
  });

  it('--burst starts with one user withdrawing over 5,000,000 at once', () => {
    const spree = drive('bank_transactions', 3, { flags: { burst: true } });
    expect(new Set(spree.map((txn) => txn.user_id)).size).toBe(1);
    expect(spree.every((txn) => txn.type === 'WITHDRAWAL' && num(txn, 'amount') > 1_000_000)).toBe(true);
    expect(spree.reduce((sum, txn) => sum + num(txn, 'amount'), 0)).toBeGreaterThan(5_000_000);
  });

  it('rejects as many suspicious users as users', () => {
    const module = datasetModule('bank_transactions');
    expect(() => module.create({ faker: createFaker(1), flags: defaultFlags(module.flags, { users: 3, 'suspicious-users': 3 }) })).toThrow(
      '--suspicious-users (3) must be below --users (3)',
    );
  });
});

describe('ratings', () => {
  it('has bad ratings (< 3 stars) at about the configured share, stars 1..5', () => {
    const ratings = drive('ratings', 5000, { flags: { 'bad-rating-probability': 0.3 } });
    const stars = ratings.map((rating) => num(rating, 'stars'));
    expect(new Set(stars)).toEqual(new Set([1, 2, 3, 4, 5]));
    const badShare = stars.filter((value) => value < 3).length / stars.length;
    expect(badShare).toBeGreaterThan(0.25);
    expect(badShare).toBeLessThan(0.35);
  });

  it('rates a fixed range of products', () => {
    expect(new Set(drive('ratings', 2000, { flags: { products: 7 } }).map((rating) => rating.product)).size).toBe(7);
  });
});

describe('clickstream', () => {
  const gaps = (clicks: readonly DatasetRecord[]): number[] => clicks.slice(1).map((click, i) => num(click, 'ts') - num(clicks[i], 'ts'));

  it('sessionize pauses longer than the session gap after each active period', () => {
    const clicks = drive('clickstream', 3000, { flags: { sessionize: true, 'session-gap-ms': 30_000, 'session-active-ms': 60_000 }, stepMs: 100 });
    const long = gaps(clicks).filter((gap) => gap > 30_000);
    // 3000 clicks at 10/s = 300 s of activity = 5 active periods, so 4 pauses between them.
    expect(long.length).toBe(4);
    expect(long.every((gap) => gap >= 45_000)).toBe(true);
  });

  it('without sessionize it never pauses', () => {
    expect(Math.max(...gaps(drive('clickstream', 3000, { stepMs: 100 })))).toBeLessThan(30_000);
  });

  it('uses only user ids and status codes that the reference tables define, and sometimes downloads > 50 MB', () => {
    const clicks = drive('clickstream', 5000, { flags: { users: 10 } });
    const codes = new Set(CLICKSTREAM_CODES.map((entry) => entry.code));
    expect(new Set(clicks.map((click) => click.userid))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(clicks.every((click) => codes.has(num(click, 'status')))).toBe(true);
    expect(clicks.filter((click) => num(click, 'bytes') > 50 * 1024 * 1024).length).toBeGreaterThan(5);
  });
});

describe('clickstream reference sets', () => {
  it('codes: every code once, then the same set again after the refresh interval', () => {
    const codes = drive('clickstream_codes', CLICKSTREAM_CODES.length * 2, { flags: { 'refresh-ms': 60_000 } });
    const first = codes.slice(0, CLICKSTREAM_CODES.length);
    expect(first).toEqual(CLICKSTREAM_CODES.map(({ code, definition }) => ({ code, definition })));
    expect(codes.slice(CLICKSTREAM_CODES.length)).toEqual(first);
  });

  it('codes: the refresh is a pause of --refresh-ms', () => {
    const module = datasetModule('clickstream_codes');
    const generator = module.create({ faker: createFaker(1), flags: defaultFlags(module.flags, { 'refresh-ms': 60_000 }) });
    const steps = Array.from({ length: CLICKSTREAM_CODES.length + 1 }, () => generator.next(START));
    expect(steps.slice(0, -1).every((step) => step.kind === 'records')).toBe(true);
    expect(steps[steps.length - 1]).toEqual({ kind: 'pause', ms: 60_000 });
  });

  it('users: ids 1..N once each, re-sent unchanged on refresh', () => {
    const users = drive('clickstream_users', 40, { flags: { users: 20 } });
    expect(users.slice(0, 20).map((user) => user.user_id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(users.slice(20)).toEqual(users.slice(0, 20));
    expect(users.every((user) => num(user, 'registered_at') < START)).toBe(true);
  });
});

describe('moodle_logs sessions', () => {
  const gapMs = 15 * MINUTE;
  const logs = drive('moodle_logs', 20_000, { flags: { users: 20, 'session-gap-ms': gapMs }, stepMs: 1000 });

  it('numbers rows 1, 2, ... and uses learners 1..N', () => {
    expect(logs.map((log) => log.id)).toEqual(Array.from({ length: logs.length }, (_, i) => i + 1));
    expect(new Set(logs.map((log) => log.userid))).toEqual(new Set(Array.from({ length: 20 }, (_, i) => i + 1)));
  });

  it('each learner has several sessions separated by more than the session gap', () => {
    const byUser = new Map<number, number[]>();
    for (const log of logs) byUser.set(num(log, 'userid'), [...(byUser.get(num(log, 'userid')) ?? []), num(log, 'timecreated')]);
    for (const times of byUser.values()) {
      const sessions = 1 + times.slice(1).filter((time, i) => time - times[i] > gapMs).length;
      expect(sessions).toBeGreaterThanOrEqual(3);
    }
  });

  it('event time never runs backwards', () => {
    expect(logs.every((log, i) => i === 0 || num(log, 'timecreated') >= num(logs[i - 1], 'timecreated'))).toBe(true);
  });
});

describe('moodle_predictions', () => {
  it('predictions are probabilities; about the configured share of learners is at risk (> 0.7)', () => {
    const predictions = drive('moodle_predictions', 5000, { flags: { users: 100, 'at-risk-share': 0.25 } });
    expect(predictions.every((p) => num(p, 'prediction') >= 0 && num(p, 'prediction') <= 1)).toBe(true);
    const atRisk = new Set(predictions.filter((p) => num(p, 'prediction') > 0.7).map((p) => p.userid));
    expect(atRisk.size).toBeGreaterThan(10);
    expect(atRisk.size).toBeLessThan(40);
  });
});

describe('shop_transactions', () => {
  it('ten fixed user ids, one per leading digit', () => {
    expect(SHOP_USER_IDS.map((id) => id[0]).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('a user whose id starts with digit d always pays 10*d, 0 counting as 10', () => {
    const txns = drive('shop_transactions', 3000, { seed: 11 });
    expect(new Set(txns.map((txn) => txn.user_id))).toEqual(new Set(SHOP_USER_IDS));
    for (const txn of txns) {
      const digit = Number(str(txn, 'user_id')[0]);
      expect(num(txn, 'amount')).toBe(digit === 0 ? 100 : 10 * digit);
    }
    expect(shopAmountFor('0734')).toBe(100);
    expect(shopAmountFor('5823')).toBe(50);
  });
});

describe('payments structuring', () => {
  it('some payor/payee pairs make several payments under 10,000 that together exceed 10,000', () => {
    const payments = drive('payments', 5000, { flags: { 'structuring-probability': 0.02 } });
    const pairs = new Map<string, number[]>();
    for (const payment of payments) {
      const pair = `${payment.payor_account_no}->${payment.payee_bank}/${payment.payee_account_no}`;
      pairs.set(pair, [...(pairs.get(pair) ?? []), num(payment, 'payment_amount')]);
    }
    const structuring = [...pairs.values()].filter((amounts) => amounts.length >= 3 && amounts.every((a) => a < 10_000) && amounts.reduce((s, a) => s + a, 0) > 10_000);
    expect(structuring.length).toBeGreaterThanOrEqual(30);
    expect(new Set(payments.map((payment) => payment.payment_method))).toEqual(new Set(['ACH', 'WIRE', 'CHECK', 'CARD', 'RTP']));
  });

  it('without structuring no pair repeats that pattern', () => {
    const payments = drive('payments', 5000, { flags: { 'structuring-probability': 0 } });
    const pairs = new Map<string, number>();
    for (const payment of payments) {
      const pair = `${payment.payor_account_no}->${payment.payee_bank}/${payment.payee_account_no}`;
      pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
    }
    expect(Math.max(...pairs.values())).toBe(1);
  });
});
