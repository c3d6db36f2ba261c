/**
 * What a POSTed payment must be: the dataset schema's fields and types (generic check), then the
 * payment's own rules, then what every value format can hold (an accepted payment must read back
 * equal from the JSON, Avro and Protobuf topics). `created_at` may be left out: the API stamps
 * the time it received it.
 */
import type { DatasetRecord } from '../generators/dataset-module';
import { PAYMENT_METHODS } from '../generators/datasets/payments';
import { paymentsSchema } from '../generators/datasets/payments.schema';
import { validateRecord, type ValidationResult } from '../generators/formats/validate';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Longest accepted bank name; the body limit bounds the whole request anyway. */
export const MAX_TEXT_LENGTH = 200;
/**
 * Largest integer every format holds exactly: avsc refuses a `long` beyond ±(2^53 - 2) (it keeps
 * one value of headroom below Number.MAX_SAFE_INTEGER), so 2^53 - 1 would pass JSON and fail Avro.
 */
export const MAX_LONG = 2 ** 53 - 2;

/** How far from the server's clock `created_at` may be: it becomes the Kafka timestamp and ksqlDB event time. */
export interface CreatedAtWindow {
  readonly maxPastMs: number;
  readonly maxFutureMs: number;
}

/** Defaults: a week back (late, queued payments), five minutes ahead (client clock skew). */
export const DEFAULT_CREATED_AT_WINDOW: CreatedAtWindow = { maxPastMs: 7 * 24 * 3_600_000, maxFutureMs: 5 * 60_000 };

const invalid = (field: string, message: string): ValidationResult => ({ ok: false, field, message });

const LONG_FIELDS = paymentsSchema.fields.filter((f) => f.type === 'bigint' || f.type === 'timestamp_ms').map((f) => f.name);

/** Fields whose JSON numbers must be written without a fraction (checked on the text: see parseJson). */
export const INTEGER_FIELDS: ReadonlySet<string> = new Set(
  paymentsSchema.fields.filter((f) => f.type === 'int' || f.type === 'bigint' || f.type === 'timestamp_ms').map((f) => f.name),
);

function describeDuration(ms: number): string {
  if (ms === 0) return '0 ms';
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} days`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return `${ms / 60_000} minutes`;
  return `${ms} ms`;
}

function createdAtProblem(createdAt: number, receivedAt: number, window: CreatedAtWindow): string | undefined {
  const earliest = receivedAt - window.maxPastMs;
  const latest = receivedAt + window.maxFutureMs;
  if (createdAt >= earliest && createdAt <= latest) return undefined;
  const shown = Math.abs(createdAt) <= 8.64e15 ? ` (${new Date(createdAt).toISOString()})` : '';
  return (
    `must be epoch milliseconds from ${earliest} (${new Date(earliest).toISOString()}) to ${latest} (${new Date(latest).toISOString()}), ` +
    `i.e. at most ${describeDuration(window.maxPastMs)} before and ${describeDuration(window.maxFutureMs)} after the server's clock ` +
    `(PAYMENTS_CREATED_AT_MAX_PAST_MS / PAYMENTS_CREATED_AT_MAX_FUTURE_MS), got ${createdAt}${shown}; leave it out to have the server stamp it`
  );
}

export function validatePayment(body: unknown, receivedAt: number, window: CreatedAtWindow = DEFAULT_CREATED_AT_WINDOW): ValidationResult {
  const checked = validateRecord(paymentsSchema, body, { maxStringLength: MAX_TEXT_LENGTH, mayOmit: ['created_at'] });
  if (!checked.ok) return checked;
  const payment = checked.record;
  const given = payment.id as string;
  if (!UUID.test(given)) return invalid('id', `must be a UUID (8-4-4-4-12 hex digits), got '${given.slice(0, 60)}'`);
  // The id is the idempotency key and the Kafka key: one UUID written in two cases is one payment.
  const id = given.toLowerCase();
  if ((payment.payee_bank as string).trim() === '') return invalid('payee_bank', 'must not be empty');
  const amount = payment.payment_amount as number;
  if (amount <= 0) return invalid('payment_amount', `must be greater than 0, got ${amount}`);
  const method = payment.payment_method as string;
  if (!(PAYMENT_METHODS as readonly string[]).includes(method)) return invalid('payment_method', `must be one of ${PAYMENT_METHODS.join(', ')}, got '${method.slice(0, 60)}'`);
  for (const field of ['payee_account_no', 'payor_account_no'] as const) {
    const value = payment[field] as number;
    if (value <= 0) return invalid(field, `must be a positive account number, got ${value}`);
  }
  // The window first: it is the more useful message for a created_at that is also too big a long.
  if (payment.created_at !== undefined) {
    const problem = createdAtProblem(payment.created_at as number, receivedAt, window);
    if (problem !== undefined) return invalid('created_at', problem);
  }
  for (const field of LONG_FIELDS) {
    const value = payment[field];
    if (typeof value === 'number' && Math.abs(value) > MAX_LONG) {
      return invalid(field, `must be at most ${MAX_LONG} (2^53 - 2, the largest integer the Avro serializer writes exactly), got ${value}`);
    }
  }
  const record: DatasetRecord = { ...payment, id, created_at: payment.created_at ?? receivedAt };
  return { ok: true, record };
}
