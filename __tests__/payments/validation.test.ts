import { MAX_LONG, validatePayment } from '../../payments/validation';

const RECEIVED_AT = 1_800_000_000_000;
const VALID = {
  id: '6f1c1f0e-8a5e-4d8e-9f5e-0c2b7b0b6a11',
  payee_bank: 'Harbor Savings',
  payee_account_no: 12_345_678_901,
  payment_amount: 9_500.25,
  payment_method: 'ACH',
  payor_account_no: 100_042,
  created_at: RECEIVED_AT - 3_600_000,
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

  it('stamps created_at with the receive time when the client leaves it out (a client may send the six other fields only)', () => {
    const { created_at: _created, ...withoutCreatedAt } = VALID;
    expect(validatePayment(withoutCreatedAt, RECEIVED_AT)).toEqual({ ok: true, record: { ...withoutCreatedAt, created_at: RECEIVED_AT } });
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

  it.each([
    ['0', 0],
    ['2^53 - 1', 2 ** 53 - 1],
    ['8.64e15', 8.64e15],
    ['one ms before the past bound', RECEIVED_AT - 7 * 86_400_000 - 1],
    ['one ms after the future bound', RECEIVED_AT + 300_001],
  ])('refuses created_at %s, naming the allowed window and the settings', (_what, createdAt) => {
    const { field, message } = refused({ ...VALID, created_at: createdAt });
    expect(field).toBe('created_at');
    expect(message).toContain(`from ${RECEIVED_AT - 7 * 86_400_000} (2027-01-08T08:00:00.000Z) to ${RECEIVED_AT + 300_000} (2027-01-15T08:05:00.000Z)`);
    expect(message).toContain('PAYMENTS_CREATED_AT_MAX_PAST_MS');
    expect(message).toContain(`got ${createdAt}`);
  });

  it('the created_at window is configurable', () => {
    const window = { maxPastMs: 1_000, maxFutureMs: 0 };
    expect(validatePayment({ ...VALID, created_at: RECEIVED_AT - 1_000 }, RECEIVED_AT, window).ok).toBe(true);
    expect(validatePayment({ ...VALID, created_at: RECEIVED_AT - 1_001 }, RECEIVED_AT, window)).toMatchObject({ ok: false, field: 'created_at' });
    const late = validatePayment({ ...VALID, created_at: RECEIVED_AT + 1 }, RECEIVED_AT, window);
    expect(late).toMatchObject({ ok: false, field: 'created_at', message: expect.stringContaining('at most 1000 ms before and 0 ms after') });
  });

  it('refuses a long that Avro cannot hold (2^53 - 1), accepts the largest it can', () => {
    expect(refused({ ...VALID, payee_account_no: 2 ** 53 - 1 })).toMatchObject({ field: 'payee_account_no', message: expect.stringContaining(`at most ${MAX_LONG}`) });
    expect(validatePayment({ ...VALID, payee_account_no: MAX_LONG }, RECEIVED_AT).ok).toBe(true);
  });

  it('refuses a lone surrogate in a string', () => {
    expect(refused({ ...VALID, payee_bank: 'A\ud800B' })).toMatchObject({ field: 'payee_bank', message: expect.stringContaining('lone UTF-16 surrogate') });
    expect(validatePayment({ ...VALID, payee_bank: 'A\ud83d\ude00B' }, RECEIVED_AT).ok).toBe(true);
  });

  it('refuses unknown fields', () => {
    expect(refused({ ...VALID, note: 'hi' })).toMatchObject({ field: 'note' });
  });
});
