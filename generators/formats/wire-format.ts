/**
 * The Confluent wire format of a Schema Registry-aware record value:
 *   byte 0      magic byte 0
 *   bytes 1..4  schema id, 32-bit big-endian
 *   Protobuf only: the message indexes that locate the message type in the .proto, as a
 *               zig-zag varint count followed by zig-zag varint indexes; the common case [0]
 *               (the first message of the file) is written as the single byte 0
 *   then        the Avro binary / Protobuf binary / UTF-8 JSON payload
 */

export const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

export interface DecodedFrame {
  readonly schemaId: number;
  /** Protobuf only: the message indexes ([0] for the first message). */
  readonly messageIndexes?: readonly number[];
  readonly payload: Buffer;
}

/** Zig-zag encoding of a 32-bit signed integer, as Confluent's ByteUtils.writeVarint writes it. */
function writeZigZagVarint(value: number, out: number[]): void {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  while (zigzag > 0x7f) {
    out.push((zigzag & 0x7f) | 0x80);
    zigzag >>>= 7;
  }
  out.push(zigzag);
}

function readZigZagVarint(buffer: Buffer, offset: number): { value: number; next: number } {
  let result = 0;
  let shift = 0;
  let position = offset;
  for (;;) {
    if (position >= buffer.length) throw new Error('Confluent wire format: the message-index varint runs past the end of the record');
    if (shift > 28) throw new Error('Confluent wire format: a message-index varint is longer than 5 bytes');
    const byte = buffer[position++];
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  const unsigned = result >>> 0;
  return { value: (unsigned >>> 1) ^ -(unsigned & 1), next: position };
}

export function encodeMessageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const out: number[] = [];
  writeZigZagVarint(indexes.length, out);
  for (const index of indexes) writeZigZagVarint(index, out);
  return Buffer.from(out);
}

function assertSchemaId(schemaId: number): void {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0x7fffffff) {
    throw new Error(`schema id ${schemaId} is not a non-negative 32-bit integer; it must come from the Schema Registry's register answer`);
  }
}

/** Frames a payload; pass `messageIndexes` for Protobuf ([0] for the first message of the schema). */
export function encodeFrame(schemaId: number, payload: Uint8Array, messageIndexes?: readonly number[]): Buffer {
  assertSchemaId(schemaId);
  const indexes = messageIndexes === undefined ? undefined : encodeMessageIndexes(messageIndexes);
  // One buffer, written in place: the payments API frames a record per request.
  const out = Buffer.allocUnsafe(HEADER_BYTES + (indexes?.length ?? 0) + payload.length);
  writeHeader(out, schemaId);
  let at = HEADER_BYTES;
  if (indexes !== undefined) {
    out.set(indexes, at);
    at += indexes.length;
  }
  out.set(payload, at);
  return out;
}

/** Frames a text payload (JSON) as UTF-8 without encoding it into a buffer of its own first. */
export function encodeTextFrame(schemaId: number, text: string): Buffer {
  assertSchemaId(schemaId);
  const out = Buffer.allocUnsafe(HEADER_BYTES + Buffer.byteLength(text, 'utf8'));
  writeHeader(out, schemaId);
  out.write(text, HEADER_BYTES, 'utf8');
  return out;
}

function writeHeader(out: Buffer, schemaId: number): void {
  out[0] = MAGIC_BYTE;
  out.writeUInt32BE(schemaId, 1);
}

/** Splits a framed value; `protobuf` says whether message indexes follow the schema id. */
export function decodeFrame(value: Buffer, options: { protobuf: boolean }): DecodedFrame {
  if (value.length < HEADER_BYTES) {
    throw new Error(`Confluent wire format: the record value has ${value.length} bytes, fewer than the 5-byte header (magic byte + schema id)`);
  }
  if (value[0] !== MAGIC_BYTE) {
    throw new Error(`Confluent wire format: the first byte is ${value[0]}, not the magic byte 0; the record was not written by a Schema Registry serializer`);
  }
  const schemaId = value.readUInt32BE(1);
  if (!options.protobuf) return { schemaId, payload: value.subarray(HEADER_BYTES) };
  const count = readZigZagVarint(value, HEADER_BYTES);
  if (count.value === 0) return { schemaId, messageIndexes: [0], payload: value.subarray(count.next) };
  if (count.value < 0) throw new Error(`Confluent wire format: negative message-index count ${count.value}`);
  const indexes: number[] = [];
  let next = count.next;
  for (let i = 0; i < count.value; i++) {
    const index = readZigZagVarint(value, next);
    indexes.push(index.value);
    next = index.next;
  }
  return { schemaId, messageIndexes: indexes, payload: value.subarray(next) };
}
