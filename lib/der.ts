/**
 * A minimal ASN.1 DER writer and reader, enough for X.509 certificates (lib/x509.ts): the lab
 * makes its TLS material at deploy time with node:crypto alone, and node:crypto signs bytes but
 * builds no certificate. Only the types a certificate uses are here; each writer returns the
 * complete encoding (tag, length, contents), so that values nest by concatenation.
 */

/** Universal and context-specific tags, as the first octet of an encoding. */
export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  objectIdentifier: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Definite-length encoding: one octet below 128, else 0x80 | count followed by the big-endian length. */
function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

/** One TLV with `tag` as its single identifier octet (every tag used here is below 31). */
export function tlv(tag: number, contents: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(contents.length), contents]);
}

export const sequence = (...items: readonly Buffer[]): Buffer => tlv(TAG.sequence, Buffer.concat(items));

/** A SET's elements must be sorted by their encodings in DER; the names written here hold one element per set. */
export const set = (...items: readonly Buffer[]): Buffer => tlv(TAG.set, Buffer.concat([...items].sort(Buffer.compare)));

export const boolean = (value: boolean): Buffer => tlv(TAG.boolean, Buffer.from([value ? 0xff : 0x00]));

/**
 * A non-negative INTEGER from its big-endian magnitude: leading zero octets dropped, one zero
 * octet added when the high bit would otherwise make it read as negative.
 */
export function unsignedInteger(magnitude: Buffer | number): Buffer {
  let bytes = typeof magnitude === 'number' ? numberBytes(magnitude) : magnitude;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  return tlv(TAG.integer, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function numberBytes(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`DER integer ${value} is not a non-negative safe integer`);
  const octets: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Buffer.from(octets.length ? octets : [0]);
}

/** An OBJECT IDENTIFIER from its dotted form: the first two arcs as 40·a + b, every arc in base 128. */
export function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split('.').map((arc) => {
    if (!/^\d+$/.test(arc)) throw new Error(`object identifier ${dotted} has a non-numeric arc '${arc}'`);
    return Number(arc);
  });
  if (arcs.length < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39)) throw new Error(`object identifier ${dotted} is not valid`);
  const octets = [40 * arcs[0] + arcs[1], ...arcs.slice(2)].flatMap(base128);
  return tlv(TAG.objectIdentifier, Buffer.from(octets));
}

function base128(value: number): number[] {
  const octets = [value & 0x7f];
  for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128)) octets.unshift(0x80 | (rest & 0x7f));
  return octets;
}

/** A BIT STRING of whole octets (a signature, a public key): no unused bits. */
export const bitString = (bytes: Buffer): Buffer => tlv(TAG.bitString, Buffer.concat([Buffer.from([0]), bytes]));

/**
 * A BIT STRING of named bits (bit 0 is the most significant bit of the first octet), as keyUsage
 * declares it: DER drops trailing zero bits, so the last octet ends with the highest bit set.
 */
export function namedBits(bits: readonly number[]): Buffer {
  if (bits.length === 0) return tlv(TAG.bitString, Buffer.from([0]));
  const highest = Math.max(...bits);
  const octets = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) octets[Math.floor(bit / 8)] |= 0x80 >> bit % 8;
  const unused = 7 - (highest % 8);
  return tlv(TAG.bitString, Buffer.concat([Buffer.from([unused]), octets]));
}

export const octetString = (bytes: Buffer): Buffer => tlv(TAG.octetString, bytes);

export const utf8String = (text: string): Buffer => tlv(TAG.utf8String, Buffer.from(text, 'utf8'));

/** [n] EXPLICIT: a constructed context-specific tag around a whole encoding. */
export const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner);

/** [n] IMPLICIT of a primitive type: the contents under a context-specific tag. */
export const implicitPrimitive = (n: number, contents: Buffer): Buffer => tlv(0x80 | n, contents);

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * An X.509 Time (RFC 5280 §4.1.2.5): UTCTime (YYMMDDHHMMSSZ) for years 1950 to 2049,
 * GeneralizedTime (YYYYMMDDHHMMSSZ) from 2050 on; seconds are whole, fractions dropped.
 */
export function x509Time(date: Date): Buffer {
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new RangeError(`certificate time ${date.toISOString()} is outside 1950..9999`);
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  return year < 2050 ? tlv(TAG.utcTime, Buffer.from(`${two(year % 100)}${rest}`, 'ascii')) : tlv(TAG.generalizedTime, Buffer.from(`${year}${rest}`, 'ascii'));
}

/** One decoded TLV: its tag, its contents, and the whole encoding (to hash or copy unchanged). */
export interface DerElement {
  readonly tag: number;
  readonly contents: Buffer;
  readonly encoded: Buffer;
}

/** The TLV at `offset` of `der`; throws when the bytes are not DER this reader understands. */
export function readElement(der: Buffer, offset = 0): DerElement {
  if (offset + 2 > der.length) throw new Error(`DER ends inside the header at offset ${offset}`);
  const tag = der[offset];
  if ((tag & 0x1f) === 0x1f) throw new Error(`DER tag at offset ${offset} uses the multi-octet form, which X.509 here never does`);
  let length = der[offset + 1];
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error(`DER length at offset ${offset} is indefinite or too long`);
    if (offset + 2 + count > der.length) throw new Error(`DER ends inside the length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[offset + 2 + i];
    header += count;
  }
  const end = offset + header + length;
  if (end > der.length) throw new Error(`DER element at offset ${offset} claims ${length} octets, but only ${der.length - offset - header} follow`);
  return { tag, contents: der.subarray(offset + header, end), encoded: der.subarray(offset, end) };
}

/** The elements inside a constructed element's contents, in order. */
export function readChildren(element: DerElement): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = 0; offset < element.contents.length; ) {
    const child = readElement(element.contents, offset);
    children.push(child);
    offset += child.encoded.length;
  }
  return children;
}

/** The dotted form of an OBJECT IDENTIFIER element. */
export function readObjectIdentifier(element: DerElement): string {
  if (element.tag !== TAG.objectIdentifier) throw new Error(`expected an OBJECT IDENTIFIER, found tag 0x${element.tag.toString(16)}`);
  const arcs: number[] = [];
  let value = 0;
  for (const octet of element.contents) {
    value = value * 128 + (octet & 0x7f);
    if ((octet & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

/** The instant of a UTCTime or GeneralizedTime element in the Z form RFC 5280 requires. */
export function readTime(element: DerElement): Date {
  const text = element.contents.toString('ascii');
  const match = element.tag === TAG.utcTime ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : element.tag === TAG.generalizedTime ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : null;
  if (!match) throw new Error(`expected a UTCTime or GeneralizedTime in the Z form, found tag 0x${element.tag.toString(16)} '${text}'`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const fullYear = element.tag === TAG.utcTime ? (year < 50 ? 2000 + year : 1900 + year) : year;
  return new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
}
