/**
 * What a POSTed payment must be: the dataset schema's fields and types (generic check), then the
 * payment's own rules. `created_at` may be left out: the API stamps the time it received it.
 */
import type { DatasetRecord } from '../generators/dataset-module';
import { PAYMENT_METHODS } from '../generators/datasets/payments';
import { paymentsSchema } from '../generators/datasets/payments.schema';
import { validateRecord, type ValidationResult } from '../generators/formats/validate';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Longest accepted bank name; the body limit bounds the whole request anyway. */
export const MAX_TEXT_LENGTH = 200;

const invalid = (field: string, message: string): ValidationResult => ({ ok: false, field, message });

export function validatePayment(body: unknown, receivedAt: number): ValidationResult {
  const checked = validateRecord(paymentsSchema, body, { maxStringLength: MAX_TEXT_LENGTH, mayOmit: ['created_at'] });
  if (!checked.ok) return checked;
  const payment = checked.record;
  const id = payment.id as string;
  if (!UUID.test(id)) return invalid('id', `must be a UUID (8-4-4-4-12 hex digits), got '${id.slice(0, 60)}'`);
  if ((payment.payee_bank as string).trim() === '') return invalid('payee_bank', 'must not be empty');
  const amount = payment.payment_amount as number;
  if (amount <= 0) return invalid('payment_amount', `must be greater than 0, got ${amount}`);
  const method = payment.payment_method as string;
  if (!(PAYMENT_METHODS as readonly string[]).includes(method)) return invalid('payment_method', `must be one of ${PAYMENT_METHODS.join(', ')}, got '${method.slice(0, 60)}'`);
  for (const field of ['payee_account_no', 'payor_account_no'] as const) {
    const value = payment[field] as number;
    if (value <= 0) return invalid(field, `must be a positive account number, got ${value}`);
  }
  const record: DatasetRecord = payment.created_at === undefined ? { ...payment, created_at: receivedAt } : payment;
  return { ok: true, record };
}
