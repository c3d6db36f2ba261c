/**
 * Property: every payment the API accepts reads back equal from all three formats (JSON Schema,
 * Avro, Protobuf, in the Confluent wire format), and what cannot read back equal is refused. Over
 * seeded random payments with hostile values spliced in, plus the edge cases named below.
 */
import type { DatasetRecord } from '../../generators/dataset-module';
import { randomPayment } from '../../generators/datasets/payments';
import { createFaker } from '../../generators/random';
import { endpointsOf } from '../../payments/endpoints';
import { MAX_LONG, MAX_TEXT_LENGTH, validatePayment } from '../../payments/validation';

const NOW = 1_800_000_000_000;
const endpoints = endpointsOf();

/** Strings that stress the encoders: every UTF-8 length, control characters, surrogates, the longest allowed. */
const TEXTS: readonly string[] = [
  'a', 'Ünïcödé Bank', '銀行', '😀 Bank', '\u0000', '\u007f\u0080\u07ff\u0800\uffff', '\ud83d\ude00', 'A\ud800B', '\udc00', 'x\ud83d',
  '"quoted" \\ back\nslash', '\u2028\u2029', 'B'.repeat(MAX_TEXT_LENGTH), '😀'.repeat(MAX_TEXT_LENGTH / 2), ' padded ',
];
const LONGS: readonly number[] = [1, 2 ** 31, 2 ** 32 + 1, MAX_LONG, MAX_LONG + 1, 2 ** 53 - 1, 2 ** 53];
const INTS: readonly number[] = [1, 2 ** 31 - 1, 2 ** 31];
const AMOUNTS: readonly number[] = [5e-324, 0.1, 0.1 + 0.2, 1 / 3, 9_999.99, 1e21, 1.7976931348623157e308, 2 ** 53 + 2];
const TIMES: readonly number[] = [NOW, NOW - 1, NOW + 1, NOW - 7 * 86_400_000, NOW + 300_000];

function candidates(count: number): Record<string, unknown>[] {
  const faker = createFaker(2024);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const payment: Record<string, unknown> = { ...randomPayment(faker, faker.number.int({ min: NOW - 6 * 86_400_000, max: NOW + 200_000 })) };
    if (faker.number.int(2) === 0) payment.payee_bank = faker.helpers.arrayElement(TEXTS);
    if (faker.number.int(3) === 0) payment.payee_account_no = faker.helpers.arrayElement(LONGS);
    if (faker.number.int(3) === 0) payment.payor_account_no = faker.helpers.arrayElement(INTS);
    if (faker.number.int(3) === 0) payment.payment_amount = faker.helpers.arrayElement(AMOUNTS);
    if (faker.number.int(3) === 0) payment.created_at = faker.helpers.arrayElement(TIMES);
    out.push(payment);
  }
  return out;
}

/** What a client sends: the payment as JSON text, parsed back as the API parses the body. */
const overTheWire = (payment: Record<string, unknown>): unknown => JSON.parse(JSON.stringify(payment));

it('every accepted payment decodes back equal in JSON, Avro and Protobuf; every refused one names a field', () => {
  let accepted = 0;
  let refused = 0;
  for (const candidate of candidates(2_000)) {
    const result = validatePayment(overTheWire(candidate), NOW);
    if (!result.ok) {
      expect(Object.keys(candidate)).toContain(result.field);
      refused++;
      continue;
    }
    accepted++;
    for (const endpoint of endpoints) {
      let decoded: DatasetRecord;
      try {
        decoded = endpoint.serde.deserialize(endpoint.serde.serialize(7, result.record)).record;
      } catch (error) {
        throw new Error(`${endpoint.format} cannot carry accepted payment ${JSON.stringify(result.record)}: ${String(error)}`);
      }
      expect({ format: endpoint.format, record: decoded }).toEqual({ format: endpoint.format, record: result.record });
    }
  }
  // Both sides of the property were exercised.
  expect(accepted).toBeGreaterThan(500);
  expect(refused).toBeGreaterThan(200);
});

it.each([
  ['a lone high surrogate', { payee_bank: 'A\ud800B' }, 'payee_bank'],
  ['a lone low surrogate', { payee_bank: '\udc00' }, 'payee_bank'],
  ['a high surrogate at the end', { payee_bank: 'x\ud83d' }, 'payee_bank'],
  ['a long above what Avro holds', { payee_account_no: 2 ** 53 - 1 }, 'payee_account_no'],
  ['an int32 overflow', { payor_account_no: 2 ** 31 }, 'payor_account_no'],
])('refused because it cannot round-trip: %s', (_what, change, field) => {
  const payment = { ...randomPayment(createFaker(1), NOW), ...change };
  expect(validatePayment(overTheWire(payment), NOW)).toMatchObject({ ok: false, field });
});
