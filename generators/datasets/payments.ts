/**
 * payments generator: random payment instructions, plus structuring series: three to
 * five payments, each under 10,000, from one payor to one payee, that together exceed 10,000.
 * A series is interleaved with ordinary payments so that it looks like real traffic; all of it
 * falls well within the 24-hour window of the structuring rule.
 */
import type { Faker } from '@faker-js/faker';
import { numberFlag, records, type DatasetModule, type DatasetRecord, type FlagSpec } from '../dataset-module';
import { cents } from '../random';
import { paymentsSchema } from './payments.schema';

export const REPORTING_THRESHOLD = 10_000;
export const PAYMENT_METHODS = ['ACH', 'WIRE', 'CHECK', 'CARD', 'RTP'] as const;
const BANKS = ['First National Bank', 'Harbor Savings', 'Summit Credit Union', 'Pioneer Trust', 'Metro Commerce Bank', 'Lakeside Bank', 'Granite State Bank'] as const;

export const PAYMENTS_FLAGS: readonly FlagSpec[] = [
  { name: 'structuring-probability', kind: 'number', default: 0.02, min: 0, max: 1, description: 'Probability per payment that a structuring series starts' },
  { name: 'payors', kind: 'integer', default: 200, min: 1, max: 2_000_000_000, description: 'Distinct payor accounts' },
];

export interface PaymentParties {
  readonly payorAccountNo: number;
  readonly payeeBank: string;
  readonly payeeAccountNo: number;
}

export function randomParties(faker: Faker, payors: number): PaymentParties {
  return {
    payorAccountNo: 100_000 + faker.number.int({ min: 0, max: payors - 1 }),
    payeeBank: faker.helpers.arrayElement(BANKS),
    payeeAccountNo: faker.number.int({ min: 10_000_000_000, max: 99_999_999_999 }),
  };
}

/** One payment between the given parties. Exported for the payments API, whose GET produces one at random. */
export function paymentRecord(faker: Faker, parties: PaymentParties, amount: number, createdAt: number): DatasetRecord {
  return {
    id: faker.string.uuid(),
    payee_bank: parties.payeeBank,
    payee_account_no: parties.payeeAccountNo,
    payment_amount: cents(amount),
    payment_method: faker.helpers.arrayElement(PAYMENT_METHODS),
    payor_account_no: parties.payorAccountNo,
    created_at: createdAt,
  };
}

/** An ordinary payment: mostly small, a few above the reporting threshold. */
export function randomPayment(faker: Faker, createdAt: number, payors = 200): DatasetRecord {
  const amount = faker.helpers.weightedArrayElement([
    { value: () => faker.number.float({ min: 5, max: 2_000 }), weight: 85 },
    { value: () => faker.number.float({ min: 2_000, max: 9_999 }), weight: 12 },
    { value: () => faker.number.float({ min: 10_000, max: 50_000 }), weight: 3 },
  ])();
  return paymentRecord(faker, randomParties(faker, payors), amount, createdAt);
}

export const paymentsModule: DatasetModule = {
  schema: paymentsSchema,
  flags: PAYMENTS_FLAGS,
  create({ faker, flags }) {
    const probability = numberFlag(flags, 'structuring-probability');
    const payors = numberFlag(flags, 'payors');
    /** Remaining amounts of the structuring series in progress, with its parties. */
    let series: { parties: PaymentParties; amounts: number[] } | undefined;
    return {
      next(now) {
        if (series === undefined && faker.number.float({ min: 0, max: 1 }) < probability) {
          const count = faker.number.int({ min: 3, max: 5 });
          // Each between 6,000 and 9,950: below the threshold alone, above it together (>= 18,000).
          series = { parties: randomParties(faker, payors), amounts: Array.from({ length: count }, () => faker.number.float({ min: 6_000, max: 9_950 })) };
        }
        if (series !== undefined && faker.datatype.boolean()) {
          const payment = paymentRecord(faker, series.parties, series.amounts.pop()!, now);
          if (series.amounts.length === 0) series = undefined;
          return records(payment);
        }
        return records(randomPayment(faker, now, payors));
      },
    };
  },
};
