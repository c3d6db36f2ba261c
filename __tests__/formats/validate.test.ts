import { validateRecord } from '../../generators/formats/validate';
import type { DatasetSchema } from '../../generators/schema';

const SCHEMA: DatasetSchema = {
  name: 'ratings',
  description: 'every type',
  sink: { kind: 'kafka', topic: 't' },
  fields: [
    { name: 's', type: 'string', doc: 'a string' },
    { name: 'i', type: 'int', doc: 'an int' },
    { name: 'b', type: 'bigint', doc: 'a bigint' },
    { name: 'd', type: 'double', doc: 'a double' },
    { name: 'f', type: 'boolean', doc: 'a flag' },
    { name: 't', type: 'timestamp_ms', doc: 'a time' },
    { name: 'o', type: 'string', doc: 'optional', optional: true },
  ],
  formats: ['JSON'],
};
const VALID = { s: 'x', i: -5, b: 2 ** 40, d: 1.5, f: false, t: 1_700_000_000_000 };

describe('validateRecord', () => {
  it('accepts a record of the declared types and fills absent optionals with null', () => {
    expect(validateRecord(SCHEMA, VALID)).toEqual({ ok: true, record: { ...VALID, o: null } });
    expect(validateRecord(SCHEMA, { ...VALID, o: 'here' })).toEqual({ ok: true, record: { ...VALID, o: 'here' } });
  });

  it.each([
    ['s', 5, /must be a string, got a number/],
    ['i', 1.5, /32-bit integer, got 1.5/],
    ['i', 2 ** 31, /32-bit integer, got 2147483648/],
    ['i', '7', /32-bit integer, got a string/],
    ['b', 2 ** 53, /integer \(at most 2\^53 - 1/],
    ['d', 'NaN', /finite number, got a string/],
    ['d', null, /finite number, got null/],
    ['f', 'true', /true or false, got a string/],
    ['t', -1, /non-negative integer\), got -1/],
    ['t', [1], /got an array/],
  ])('field %s = %j is refused, naming the field', (field, value, message) => {
    const result = validateRecord(SCHEMA, { ...VALID, [field]: value });
    expect(result).toMatchObject({ ok: false, field });
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('a missing field is named with its type and doc', () => {
    const { d: _d, ...rest } = VALID;
    expect(validateRecord(SCHEMA, rest)).toEqual({ ok: false, field: 'd', message: 'is missing; it must be a finite number (a double)' });
  });

  it('a field that may be omitted is left out of the record', () => {
    const { t: _t, ...rest } = VALID;
    const result = validateRecord(SCHEMA, rest, { mayOmit: ['t'] });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.record).not.toHaveProperty('t');
  });

  it('an unknown field is refused, naming it and listing the fields', () => {
    expect(validateRecord(SCHEMA, { ...VALID, extra: 1 })).toMatchObject({ ok: false, field: 'extra', message: expect.stringContaining('the fields are s, i, b, d, f, t, o') });
  });

  it('refuses strings over the length limit', () => {
    expect(validateRecord(SCHEMA, { ...VALID, s: 'y'.repeat(11) }, { maxStringLength: 10 })).toMatchObject({ ok: false, field: 's', message: 'is 11 characters long; at most 10 are accepted' });
  });

  it.each([[null], [[]], ['text'], [42]])('refuses a body that is not an object: %j', (body) => {
    expect(validateRecord(SCHEMA, body)).toMatchObject({ ok: false, field: '(body)' });
  });
});
