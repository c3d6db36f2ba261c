import { validatePayment } from '../../payments/validation';

const RECEIVED_AT = 1_800_000_000_000;
const VALID = {
  id: '6f1c1f0e-8a5e-4d8e-9f5e-0c2b7b0b6a11',
  payee_bank: 'Harbor Savings',
  payee_account_no: 12_345_678_901,
  payment_amount: 9_500.25,
  payment_method: 'ACH',
  payor_account_no: 100_042,
  created_at: 1_700_000_000_000,
};

const refused = (body: unknown) => {
  const result = validatePayment(body, RECEIVED_AT);
  if (result.ok) throw new Error(`expected ${JSON.stringify(body)} to be refused`);
  return result;
};

describe('validatePayment', () => {
  it('accepts a payment and keeps its created_at', () => {
    expect(validatePayment(VALID, RECEIVED_AT)).toEqual({ ok: true, record: VALID });
  });

  it('stamps created_at with the receive time when the client leaves it out (seed clients send six fields)', () => {
    const { created_at: _created, ...seedPayment } = VALID;
    expect(validatePayment(seedPayment, RECEIVED_AT)).toEqual({ ok: true, record: { ...seedPayment, created_at: RECEIVED_AT } });
  });

  it.each(['id', 'payee_bank', 'payee_account_no', 'payment_amount', 'payment_method', 'payor_account_no'])('missing %s is named', (field) => {
    const body: Record<string, unknown> = { ...VALID };
    delete body[field];
    expect(refused(body)).toMatchObject({ field, message: expect.stringContaining('is missing') });
  });

  it.each([
    ['payment_amount', '100.00'],
    ['payment_amount', null],
    ['payee_account_no', '12345678901'],
    ['payee_account_no', 1.5],
    ['payor_account_no', 2 ** 31],
    ['payor_account_no', 3.25],
    ['payee_bank', 17],
    ['id', 12345],
    ['created_at', '2024-01-01'],
    ['payment_method', true],
  ])('wrong type: %s = %j is named', (field, value) => {
    expect(refused({ ...VALID, [field]: value }).field).toBe(field);
  });

  it.each([[-0.01], [-5], [0]])('payment_amount %d is refused: it must be greater than 0', (amount) => {
    expect(refused({ ...VALID, payment_amount: amount })).toEqual({ ok: false, field: 'payment_amount', message: `must be greater than 0, got ${amount}` });
  });

  it('refuses an id that is not a UUID', () => {
    expect(refused({ ...VALID, id: 'payment-1' })).toMatchObject({ field: 'id', message: expect.stringContaining('must be a UUID') });
  });

  it('refuses a payment method outside the rails', () => {
    expect(refused({ ...VALID, payment_method: 'BITCOIN' })).toMatchObject({ field: 'payment_method', message: expect.stringContaining('ACH, WIRE, CHECK, CARD, RTP') });
  });

  it('refuses an empty or oversized bank name', () => {
    expect(refused({ ...VALID, payee_bank: '  ' }).field).toBe('payee_bank');
    expect(refused({ ...VALID, payee_bank: 'B'.repeat(201) })).toMatchObject({ field: 'payee_bank', message: expect.stringContaining('at most 200') });
  });

  it('refuses non-positive account numbers', () => {
    expect(refused({ ...VALID, payor_account_no: 0 }).field).toBe('payor_account_no');
    expect(refused({ ...VALID, payee_account_no: -3 }).field).toBe('payee_account_no');
  });

  it('refuses unknown fields', () => {
    expect(refused({ ...VALID, note: 'hi' })).toMatchObject({ field: 'note' });
  });
});
