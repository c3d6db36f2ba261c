/** The DER writer and reader of lib/der.ts, against encodings worked out by hand from X.690. */
import {
  boolean,
  namedBits,
  objectIdentifier,
  readChildren,
  readElement,
  readObjectIdentifier,
  readTime,
  sequence,
  set,
  unsignedInteger,
  utf8String,
  x509Time,
} from '../../lib/der';

const hex = (b: Buffer): string => b.toString('hex');

describe('lengths', () => {
  it('uses one octet below 128 and the long form from 128 on', () => {
    expect(hex(utf8String('a'.repeat(127))).slice(0, 4)).toBe('0c7f');
    expect(hex(utf8String('a'.repeat(128))).slice(0, 6)).toBe('0c8180');
    expect(hex(utf8String('a'.repeat(300))).slice(0, 8)).toBe('0c82012c');
  });

  it('reads back what it wrote, long form included', () => {
    const text = 'b'.repeat(300);
    const element = readElement(sequence(utf8String(text), boolean(true)));
    const [string, flag] = readChildren(element);
    expect(string.contents.toString()).toBe(text);
    expect(hex(flag.encoded)).toBe('0101ff');
  });

  it('refuses an element that claims more octets than follow', () => {
    expect(() => readElement(Buffer.from('0c05616263', 'hex'))).toThrow(/claims 5 octets, but only 3 follow/);
  });
});

describe('INTEGER', () => {
  it('adds a zero octet when the high bit is set and drops redundant leading zeros', () => {
    expect(hex(unsignedInteger(2))).toBe('020102');
    expect(hex(unsignedInteger(0))).toBe('020100');
    expect(hex(unsignedInteger(128))).toBe('02020080');
    expect(hex(unsignedInteger(Buffer.from('0000ff', 'hex')))).toBe('020200ff');
    expect(hex(unsignedInteger(Buffer.from('7f01', 'hex')))).toBe('02027f01');
  });
});

describe('OBJECT IDENTIFIER', () => {
  it('encodes ecdsa-with-SHA256 and commonName as X.509 carries them', () => {
    expect(hex(objectIdentifier('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302');
    expect(hex(objectIdentifier('2.5.4.3'))).toBe('0603550403');
  });

  it('reads back the dotted form', () => {
    for (const oid of ['1.2.840.10045.2.1', '2.5.29.35', '1.3.6.1.5.5.7.3.1']) expect(readObjectIdentifier(readElement(objectIdentifier(oid)))).toBe(oid);
  });

  it('refuses a malformed identifier', () => {
    expect(() => objectIdentifier('1.x.3')).toThrow(/non-numeric arc 'x'/);
    expect(() => objectIdentifier('1.40')).toThrow(/not valid/);
  });
});

describe('named BIT STRING', () => {
  it('drops trailing zero bits: keyCertSign+cRLSign is 03 02 01 06, digitalSignature+keyAgreement 03 02 03 88', () => {
    expect(hex(namedBits([5, 6]))).toBe('03020106');
    expect(hex(namedBits([0, 4]))).toBe('03020388');
    expect(hex(namedBits([8]))).toBe('0303070080');
  });
});

describe('SET', () => {
  it('sorts its elements by their encodings', () => {
    expect(hex(set(utf8String('b'), utf8String('a')))).toBe('31060c01610c0162');
  });
});

describe('Time', () => {
  it('is UTCTime through 2049 and GeneralizedTime from 2050, whole seconds, Z', () => {
    expect(x509Time(new Date('2049-12-31T23:59:59.999Z')).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(x509Time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
    expect(x509Time(new Date('1999-03-04T05:06:07Z')).toString('latin1')).toBe('\x17\x0d990304050607Z');
  });

  it('reads both back, UTCTime years 50..99 as 19xx', () => {
    for (const iso of ['1999-03-04T05:06:07.000Z', '2049-12-31T23:59:59.000Z', '2050-01-01T00:00:00.000Z', '2999-06-01T12:00:00.000Z']) {
      expect(readTime(readElement(x509Time(new Date(iso)))).toISOString()).toBe(iso);
    }
  });

  it('refuses a year a certificate cannot hold', () => {
    expect(() => x509Time(new Date('1949-12-31T00:00:00Z'))).toThrow(/outside 1950..9999/);
  });
});
