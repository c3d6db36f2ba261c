import * as protobuf from 'protobufjs';
import { randomPayment } from '../../generators/datasets/payments';
import { paymentsSchema } from '../../generators/datasets/payments.schema';
import { serdeFor, serdeFromRegistrySchema } from '../../generators/formats/serde';
import { decodeFrame, encodeFrame, encodeMessageIndexes, encodeTextFrame } from '../../generators/formats/wire-format';
import { createFaker } from '../../generators/random';
import type { ValueFormat } from '../../generators/schema';

describe('Confluent wire format', () => {
  it('is magic byte 0, the schema id as 4 bytes big-endian, then the payload', () => {
    const framed = encodeFrame(0x01020304, Buffer.from('{"a":1}'));
    expect([...framed.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4]);
    expect(framed.subarray(5).toString()).toBe('{"a":1}');
    expect(decodeFrame(framed, { protobuf: false })).toEqual({ schemaId: 0x01020304, payload: Buffer.from('{"a":1}') });
  });

  it('Protobuf: message index [0] is the single byte 0 between the schema id and the payload', () => {
    const framed = encodeFrame(7, Buffer.from([0x0a, 0x01, 0x78]), [0]);
    expect([...framed]).toEqual([0, 0, 0, 0, 7, 0, 0x0a, 0x01, 0x78]);
    expect(decodeFrame(framed, { protobuf: true })).toEqual({ schemaId: 7, messageIndexes: [0], payload: Buffer.from([0x0a, 0x01, 0x78]) });
  });

  it('other message indexes are a zig-zag varint count and zig-zag varint indexes', () => {
    expect([...encodeMessageIndexes([1])]).toEqual([2, 2]);
    expect([...encodeMessageIndexes([0, 2])]).toEqual([4, 0, 4]);
    expect([...encodeMessageIndexes([64])]).toEqual([2, 0x80, 0x01]);
    for (const indexes of [[1], [0, 2], [3, 1, 4], [64], [1000, 0]]) {
      const framed = encodeFrame(9, Buffer.from([1, 2]), indexes);
      expect(decodeFrame(framed, { protobuf: true })).toEqual({ schemaId: 9, messageIndexes: indexes, payload: Buffer.from([1, 2]) });
    }
  });

  it('a text payload is framed as its UTF-8 bytes, the same bytes as framing the encoded buffer', () => {
    for (const text of ['', '{"a":1}', '{"bank":"Zürich Kantonalbank 銀行 🏦"}']) {
      const framed = encodeTextFrame(0x7f000001, text);
      expect(framed.equals(encodeFrame(0x7f000001, Buffer.from(text, 'utf8')))).toBe(true);
      expect(decodeFrame(framed, { protobuf: false }).payload.toString('utf8')).toBe(text);
    }
    expect(() => encodeTextFrame(-1, '{}')).toThrow(/schema id -1/);
  });

  it('refuses values that are not in the wire format, saying why', () => {
    expect(() => decodeFrame(Buffer.from([0, 0, 1]), { protobuf: false })).toThrow(/3 bytes, fewer than the 5-byte header/);
    expect(() => decodeFrame(Buffer.from('{"id":"x"}'), { protobuf: false })).toThrow(/first byte is 123, not the magic byte 0/);
    expect(() => decodeFrame(Buffer.from([0, 0, 0, 0, 1, 0x80]), { protobuf: true })).toThrow(/runs past the end/);
    expect(() => encodeFrame(-1, Buffer.alloc(0))).toThrow(/schema id -1/);
    expect(() => encodeFrame(2 ** 31, Buffer.alloc(0))).toThrow(/schema id/);
  });
});

describe('round trips of a payment through each format', () => {
  const faker = createFaker(42);
  const formats: ValueFormat[] = ['JSON', 'AVRO', 'PROTOBUF'];

  it.each(formats)('%s: serialize then deserialize gives the same payment and schema id', (format) => {
    const serde = serdeFor(paymentsSchema, format);
    for (let i = 0; i < 50; i++) {
      const payment = randomPayment(faker, 1_700_000_000_000 + i);
      const framed = serde.serialize(31, payment);
      expect(framed[0]).toBe(0);
      expect(framed.readUInt32BE(1)).toBe(31);
      const { schemaId, record } = serde.deserialize(framed);
      expect(schemaId).toBe(31);
      expect(record).toEqual(payment);
    }
  });

  it.each(formats)('%s: a consumer that only has the registered schema text decodes the same payment', (format) => {
    const writer = serdeFor(paymentsSchema, format);
    const reader = serdeFromRegistrySchema(writer.schemaType, writer.schemaText);
    const payment = randomPayment(faker, 1_700_000_000_000);
    expect(reader.deserialize(writer.serialize(5, payment))).toEqual({ schemaId: 5, record: payment });
  });

  it('Protobuf: the payload is the standard encoding of the message (another protobuf reader agrees)', () => {
    const serde = serdeFor(paymentsSchema, 'PROTOBUF');
    const generated = randomPayment(faker, 1_700_000_000_000);
    const payment = { ...generated, payee_account_no: 98_765_432_101 };
    const framed = serde.serialize(3, payment);
    expect(framed[5]).toBe(0);
    const type = protobuf.parse(serde.schemaText, { keepCase: true }).root.lookupType('streaming_lab.datasets.Payments');
    const decoded = type.toObject(type.decode(framed.subarray(6)), { longs: String });
    expect(decoded.payee_account_no).toBe('98765432101');
    expect(decoded.id).toBe(generated.id);
  });

  it('Protobuf: zero values, which proto3 leaves off the wire, come back as zeros', () => {
    const serde = serdeFor(paymentsSchema, 'PROTOBUF');
    const payment = { ...randomPayment(faker, 0), payment_amount: 0, payor_account_no: 0, payee_bank: '' };
    expect(serde.deserialize(serde.serialize(1, payment)).record).toEqual(payment);
  });

  it('Avro is the compact binary encoding, not JSON', () => {
    const payment = randomPayment(faker, 1_700_000_000_000);
    const avroBytes = serdeFor(paymentsSchema, 'AVRO').serialize(1, payment);
    const jsonBytes = serdeFor(paymentsSchema, 'JSON').serialize(1, payment);
    expect(avroBytes.length).toBeLessThan(jsonBytes.length / 2);
    expect(avroBytes.subarray(5).toString('latin1')).not.toContain('payee_bank');
  });

  it('the serializers refuse a record that does not fit the schema', () => {
    const payment = randomPayment(faker, 1_700_000_000_000);
    const broken = { ...payment, payment_amount: 'lots' };
    expect(() => serdeFor(paymentsSchema, 'JSON').serialize(1, broken)).toThrow(/payment_amount must be a finite number/);
    expect(() => serdeFor(paymentsSchema, 'AVRO').serialize(1, broken)).toThrow();
    expect(() => serdeFor(paymentsSchema, 'PROTOBUF').serialize(1, broken)).toThrow(/payment_amount/);
  });

  it('a JSON serializer for records validated before (the payments API) writes the same bytes without checking again', () => {
    const payment = randomPayment(faker, 1_700_000_000_000);
    const trusting = serdeFor(paymentsSchema, 'JSON', { recordsValidated: true });
    expect(trusting.serialize(7, payment)).toEqual(serdeFor(paymentsSchema, 'JSON').serialize(7, payment));
    // The check is the caller's now: what it would have refused goes through as written.
    expect(trusting.deserialize(trusting.serialize(7, { ...payment, payment_amount: 'lots' })).record.payment_amount).toBe('lots');
  });
});
