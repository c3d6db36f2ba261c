/**
 * A body means one payment to every reader: the id in one canonical case, account numbers that
 * are integers as written (not only after JSON.parse rounded them), and each field given once.
 * Stand-ins as in ./harness.
 */
import { endpoints, NOW, startHarness, VALID, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const body = (overrides: Record<string, unknown> = {}): string => JSON.stringify({ ...VALID, ...overrides });
const keys = (): string[] => h.sender.produced.map((p) => p.record.key);

describe('the id', () => {
  it('in upper and in lower case is one payment: one record, keyed by the lower-case id, the second answer replayed', async () => {
    const upper = await h.call('POST', '/payment_json', body({ id: VALID.id.toUpperCase() }));
    expect(upper).toMatchObject({ status: 201, body: { id: VALID.id } });
    const lower = await h.call('POST', '/payment_json', body());
    expect(lower).toMatchObject({ status: 201, headers: { 'idempotent-replayed': 'true' }, body: { id: VALID.id } });
    expect(keys()).toEqual([VALID.id]);
  });

  it('in another case with a different payment is still 409', async () => {
    expect((await h.call('POST', '/payment_json', body())).status).toBe(201);
    expect((await h.call('POST', '/payment_json', body({ id: VALID.id.toUpperCase(), payment_amount: 1 }))).status).toBe(409);
    expect(keys()).toEqual([VALID.id]);
  });
});

describe('integer fields', () => {
  it('9007199254740990.5, which JSON.parse rounds to an integer, is 400 naming the field', async () => {
    const answer = await h.call('POST', '/payment_avro', body({ payee_account_no: 1 }).replace('"payee_account_no":1', '"payee_account_no":9007199254740990.5'));
    expect(answer).toMatchObject({ status: 400, body: { field: 'payee_account_no', message: 'payee_account_no must be an integer (no fraction), got 9007199254740990.5' } });
    expect(keys()).toEqual([]);
  });

  it('an integer written with an exponent or a zero fraction is the integer', async () => {
    const answer = await h.call('POST', '/payment_json', body({ payee_account_no: 1 }).replace('"payee_account_no":1', '"payee_account_no":1.2345e4'));
    expect(answer.status).toBe(201);
    const endpoint = endpoints.find((e) => e.path === '/payment_json')!;
    expect(endpoint.serde.deserialize(h.sender.produced[0].record.value).record).toMatchObject({ payee_account_no: 12345, created_at: NOW - 60_000 });
  });
});

describe('a field given twice', () => {
  it('is 400 naming the field, whichever value would win', async () => {
    const text = body({ payment_amount: 1 }).replace('"payment_amount":1', '"payment_amount":1,"payment_amount":99999');
    expect(JSON.parse(text)).toMatchObject({ payment_amount: 99999 });
    const answer = await h.call('POST', '/payment_json', text);
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_payment', field: 'payment_amount', message: expect.stringContaining('payment_amount is given twice') } });
    expect(keys()).toEqual([]);
  });

  it('also when spelled with an escape', async () => {
    const text = body().replace('{', '{"p\\u0061yment_amount":2,');
    expect((await h.call('POST', '/payment_json', text)).body).toMatchObject({ field: 'payment_amount' });
  });
});
