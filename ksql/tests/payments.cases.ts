/**
 * Statement tests of ksql/payments.sql (`npm run test:statements -- payments`): every format
 * reaching PAYMENTS_ALL_FORMATS, payments at the 10,000 threshold, structuring (each payment
 * under 10,000, together over 10,000 within 24 hours per payor/payee pair) and fan-out (one payor
 * paying 5 or more different payees within 10 minutes).
 *
 * The three source streams read JSON_SR, AVRO and PROTOBUF through Schema Registry. The runner
 * has a registry of its own (in memory) holding the schemas ksqlDB derives from the CREATE
 * statements, and writes each input record in its format with that schema: field names are the
 * columns' (upper case). That the payments API's own schemas decode into these columns is
 * proven against the real registry by the integration tests, not here.
 *
 * The runner feeds each query all of its records before the next query runs, so the rows that
 * PAYMENTS_ALL_FORMATS receives come query by query (the JSON stream's, then the INSERT from AVRO,
 * then from PROTOBUF), not in input order; the rule cases use one format so that their windows
 * see the payments in time order.
 */
import { double, type InputRecord, type Json, type PipelineCases } from '../../tools/statement-tests/case';

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type Format = 'JSON' | 'AVRO' | 'PROTOBUF';
const STREAM_OF: Readonly<Record<Format, string>> = { JSON: 'PAYMENTS_JSON', AVRO: 'PAYMENTS_AVRO', PROTOBUF: 'PAYMENTS_PROTOBUF' };

interface Payment {
  readonly id: string;
  readonly payor: number;
  readonly bank?: string;
  readonly payee: number;
  readonly amount: number;
  readonly at: number;
  readonly format?: Format;
}

function columns(p: Payment): { [column: string]: Json } {
  return {
    ID: p.id,
    PAYEE_BANK: p.bank ?? 'BANK A',
    PAYEE_ACCOUNT_NO: p.payee,
    PAYMENT_AMOUNT: p.amount,
    PAYMENT_METHOD: 'WIRE',
    PAYOR_ACCOUNT_NO: p.payor,
    CREATED_AT: T0 + p.at,
  };
}

function payment(p: Payment): InputRecord {
  return { into: STREAM_OF[p.format ?? 'JSON'], value: columns(p) };
}

/** The row PAYMENTS_ALL_FORMATS (and PAYMENTS_OVER_THRESHOLD, which selects all of it) holds for a payment. */
function merged(p: Payment) {
  const payee = `${p.bank ?? 'BANK A'}/${p.payee}`;
  return {
    value: {
      ...columns(p),
      PAYMENT_AMOUNT: double(p.amount),
      SOURCE_FORMAT: p.format ?? 'JSON',
      PAYEE: payee,
      PAYMENT_PAIR: `${p.payor} -> ${payee}`,
    },
  };
}

const BY_FORMAT: readonly Payment[] = [
  { id: 'json-1', payor: 11, payee: 501, amount: 10_000, at: 0, format: 'JSON' },
  { id: 'avro-1', payor: 12, payee: 502, amount: 9_999.99, at: 1_000, format: 'AVRO' },
  { id: 'protobuf-1', payor: 13, bank: 'BANK B', payee: 503, amount: 10_000.01, at: 2_000, format: 'PROTOBUF' },
];

/** Structuring: pairs around the 10,000 limit (a payment of 10,000 itself is reportable, not structuring). */
const STRUCTURING: readonly Payment[] = [
  // 1 -> BANK A/1: 6,000 + 4,000.01 within 5 hours: over the limit.
  { id: 's1', payor: 1, payee: 1, amount: 6_000, at: 10 * MINUTE },
  // 2 -> BANK A/2: 5,000 + 5,000: exactly the limit, not over it.
  { id: 's2', payor: 2, payee: 2, amount: 5_000, at: 20 * MINUTE },
  // 3 -> BANK A/3: a payment of 10,000 is not under the limit, so it does not count; 1 more is all that counts.
  { id: 's3', payor: 3, payee: 3, amount: 10_000, at: 30 * MINUTE },
  { id: 's4', payor: 2, payee: 2, amount: 5_000, at: 2 * HOUR },
  { id: 's5', payor: 3, payee: 3, amount: 1, at: 3 * HOUR },
  { id: 's6', payor: 1, payee: 1, amount: 4_000.01, at: 5 * HOUR },
];

/** The alert rows of pair 1 -> BANK A/1: every 24-hour window (hopping by 1 hour) holding both of its payments. */
function structuringAlertsOfPair1() {
  // Windows holding 5:00 start from 5:00 - 23 h; those also holding 0:10 start at 0:00 at the latest.
  const starts = Array.from({ length: 19 }, (_, i) => T0 - 18 * HOUR + i * HOUR);
  return starts.map((start) => ({
    key: '1 -> BANK A/1',
    window: { type: 'TIME' as const, start, end: start + 24 * HOUR },
    value: {
      PAYMENT_PAIR: '1 -> BANK A/1',
      PAYOR_ACCOUNT_NO: 1,
      PAYEE: 'BANK A/1',
      WINDOW_START: start,
      WINDOW_END: start + 24 * HOUR,
      PAYMENT_COUNT: 2,
      TOTAL_AMOUNT: double(10_000.01),
      LARGEST_PAYMENT: double(6_000),
    },
  }));
}

/**
 * Fan-out. Payor 100 pays 5 different payees, two of which (BANK A/1001 and BANK A/4534) fall
 * into the same register of the HyperLogLog sketch behind ksqlDB's COUNT_DISTINCT (2^14
 * registers; found by offering candidates to ksqlDB's own stream-lib HyperLogLog), which
 * therefore counts 4. Payor 200 pays 5 payees the sketch tells apart; payor 300 pays 4 payees
 * (one twice); payor 400's fifth payee comes at 10:00, in the next 10-minute window.
 */
const FANOUT: readonly Payment[] = [
  ...[1001, 1002, 1003, 1004, 4534].map((payee, i) => ({ id: `f100-${i}`, payor: 100, payee, amount: 100, at: i * MINUTE })),
  ...[2001, 2002, 2003, 2004, 2005].map((payee, i) => ({ id: `f200-${i}`, payor: 200, payee, amount: 200, at: i * MINUTE + 30_000 })),
  ...[3001, 3002, 3003, 3004, 3001].map((payee, i) => ({ id: `f300-${i}`, payor: 300, payee, amount: 300, at: i * MINUTE + 40_000 })),
  ...[4001, 4002, 4003, 4004].map((payee, i) => ({ id: `f400-${i}`, payor: 400, payee, amount: 400, at: 6 * MINUTE + i * MINUTE })),
  { id: 'f400-4', payor: 400, payee: 4005, amount: 400, at: 10 * MINUTE },
];

/**
 * Suspects: pair 1 -> BANK A/1 of the structuring case, then 3,000 at 7:30 (over the limit again,
 * now with 3 payments), 2,000 the next day at 6:00 (its 24 hours hold 5,000: the figures stay),
 * and 9,000 at 7:00 (over again, 7:30 of the day before has left the window).
 */
const SUSPECT_PAYMENTS: readonly Payment[] = [
  ...STRUCTURING,
  { id: 's7', payor: 1, payee: 1, amount: 3_000, at: 7.5 * HOUR },
  { id: 's8', payor: 1, payee: 1, amount: 2_000, at: 30 * HOUR },
  { id: 's9', payor: 1, payee: 1, amount: 9_000, at: 31 * HOUR },
];

function suspect(lastPayment: number, windowStart: number, count: number, total: number, largest: number) {
  return {
    key: '1 -> BANK A/1',
    value: {
      PAYMENT_PAIR: '1 -> BANK A/1',
      PAYOR_ACCOUNT_NO: 1,
      PAYEE: 'BANK A/1',
      LAST_PAYMENT_TS: T0 + lastPayment,
      WINDOW_START_TS: T0 + windowStart,
      WINDOW_END_TS: T0 + windowStart + 24 * HOUR,
      PAYMENT_COUNT: count,
      TOTAL_AMOUNT: double(total),
      LARGEST_PAYMENT: double(largest),
    },
  };
}

function fanout(payor: number, payees: number, count: number, total: number) {
  return {
    key: payor,
    window: { type: 'TIME' as const, start: T0, end: T0 + 10 * MINUTE },
    value: { PAYOR_ACCOUNT_NO: payor, WINDOW_START: T0, WINDOW_END: T0 + 10 * MINUTE, DISTINCT_PAYEES: payees, PAYMENT_COUNT: count, TOTAL_AMOUNT: double(total) },
  };
}

function inTimeOrder(payments: readonly Payment[]): Payment[] {
  return [...payments].sort((a, b) => a.at - b.at);
}

export const cases: PipelineCases = {
  pipeline: 'payments',
  cases: [
    {
      name: 'one payment of every format (JSON_SR, AVRO, PROTOBUF) reaches PAYMENTS_ALL_FORMATS; 10,000 and more is reportable, 9,999.99 is not',
      inputs: BY_FORMAT.map(payment),
      expect: {
        PAYMENTS_ALL_FORMATS: BY_FORMAT.map(merged),
        PAYMENTS_OVER_THRESHOLD: [merged(BY_FORMAT[0]), merged(BY_FORMAT[2])],
      },
    },
    {
      name: 'structuring: a pair whose payments, each under 10,000, add up to more than 10,000 within 24 hours (exactly 10,000 is not; a payment of 10,000 does not count)',
      inputs: inTimeOrder(STRUCTURING).map(payment),
      expect: { PAYMENT_STRUCTURING_ALERTS: structuringAlertsOfPair1() },
    },
    {
      name: 'structuring suspects: each pair once, with the figures of the 24 hours up to its newest alerting payment',
      inputs: inTimeOrder(SUSPECT_PAYMENTS).map(payment),
      expect: {
        PAYMENT_STRUCTURING_SUSPECTS: [
          suspect(5 * HOUR, -18 * HOUR, 2, 6_000 + 4_000.01, 6_000),
          suspect(7.5 * HOUR, -16 * HOUR, 3, 6_000 + 4_000.01 + 3_000, 6_000),
          suspect(31 * HOUR, 8 * HOUR, 2, 2_000 + 9_000, 9_000),
        ],
      },
    },
    {
      name: 'fan-out: a payor paying 5 or more different payees within a 10-minute window, counted exactly',
      inputs: inTimeOrder(FANOUT).map(payment),
      expect: {
        PAYMENT_FANOUT_ALERTS: [fanout(100, 5, 5, 500), fanout(200, 5, 5, 1_000)],
      },
    },
  ],
};
