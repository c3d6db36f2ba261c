/**
 * What JSON.parse cannot tell, read from the JSON text itself in one pass, after JSON.parse
 * accepted it (so the scanner need not handle invalid JSON):
 * - a key given twice in one object: JSON.parse keeps the last one silently, while other parsers
 *   keep the first or refuse, so the text means different things to different readers;
 * - a number that is not an integer where one is required: JSON.parse rounds 9007199254740990.5
 *   to the integer 9007199254740990, so only the literal shows the fraction.
 * The lab's configuration and the payments API refuse both.
 */

export interface DuplicateKey {
  readonly kind: 'duplicate-key';
  /** The key, with its escapes decoded ("\u0061" and "a" are the same key). */
  readonly key: string;
  /** The dotted path of the object holding it ("kafka.external", "pipelines[2]"); '' at the top. */
  readonly objectPath: string;
  /** 1-based lines of the first and the second occurrence. */
  readonly firstLine: number;
  readonly line: number;
}

export interface NotAnInteger {
  readonly kind: 'not-an-integer';
  /** A key of the top-level object named in `integerKeys`. */
  readonly key: string;
  /** The number as written. */
  readonly literal: string;
  readonly line: number;
}

export type JsonTextProblem = DuplicateKey | NotAnInteger;

export interface ScanOptions {
  /** Keys of the top-level object whose number values must be integers. */
  readonly integerKeys?: ReadonlySet<string>;
  /** What JSON.parse made of the text: a flat object is then checked on a faster path. */
  readonly parsed?: unknown;
}

interface Frame {
  /** Keys seen so far, with their line; undefined for an array. */
  readonly keys: Map<string, number> | undefined;
  /** In an object: the next string is a key. */
  expectKey: boolean;
  /** The key (object) or position (array) of the value being read, for the path of nested objects. */
  lastKey: string;
  index: number;
}

/** -I.FeE is an integer when no digit of IF after the shifted decimal point is other than 0. */
const NUMBER = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

export function isIntegerLiteral(literal: string): boolean {
  const match = NUMBER.exec(literal);
  if (match === null) return false;
  const [, whole, fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  return /^0*$/.test(digits.slice(Math.max(0, point)));
}

const isNumberChar = (c: number): boolean => (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

function pathOf(stack: readonly Frame[]): string {
  let path = '';
  // The last frame is the object holding the duplicate; each frame before it names its child.
  for (let i = 0; i < stack.length - 1; i++) {
    const frame = stack[i];
    if (frame.keys === undefined) path += `[${frame.index}]`;
    else path += path === '' ? frame.lastKey : `.${frame.lastKey}`;
  }
  return path;
}

/** Whether the last string stringEnd read held an escape, and the last number numberEnd read only digits. */
let stringEscaped = false;
let numberPlain = true;

/** The index of the quote that closes the string opened at `start`; sets stringEscaped. */
function stringEnd(text: string, start: number): number {
  let end = start + 1;
  stringEscaped = false;
  for (let c = text.charCodeAt(end); c !== QUOTE; c = text.charCodeAt(end)) {
    if (c === BACKSLASH) {
      stringEscaped = true;
      end += 2;
    } else end++;
  }
  return end;
}

/** The index just past the number that starts at `start`; sets numberPlain (digits and a sign only). */
function numberEnd(text: string, start: number): number {
  let end = start + 1;
  numberPlain = true;
  for (let c = text.charCodeAt(end); end < text.length && isNumberChar(c); c = text.charCodeAt(++end)) {
    if (c === 0x2e || c === 0x65 || c === 0x45) numberPlain = false;
  }
  return end;
}

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Whether `text`, a flat object, is clean, found without a Map or a string per key: JSON.parse kept
 * one property per distinct key, so as many keys in the text as properties it made means no key
 * came twice. Only a number with a fraction or an exponent costs its key's text (is it an integer
 * key?). False means "not sure" (a nested object or array, a count that differs, a fraction under
 * an integer key): the full scan then finds and describes the problem. A payment is such an object,
 * and the API checks one per request (the full scan cost it about 4 µs of 130, BENCHMARKS.md).
 */
function isCleanFlatObject(text: string, propertyCount: number, integerKeys: ReadonlySet<string> | undefined): boolean {
  let i = 0;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x7b /* { */) return false;
  let keys = 0;
  let expectKey = true;
  let keyStart = 0;
  let keyEnd = 0;
  let keyEscaped = false;
  for (i++; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey) {
        keys++;
        keyStart = i;
        keyEnd = end;
        keyEscaped = stringEscaped;
        expectKey = false;
      }
      i = end;
    } else if (ch === 0x2c /* , */) expectKey = true;
    else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) return false;
    else if (ch === 0x7d /* } */) break;
    else if (integerKeys !== undefined && (ch === 0x2d || (ch >= 0x30 && ch <= 0x39))) {
      const end = numberEnd(text, i);
      if (!numberPlain) {
        const key = keyEscaped ? (JSON.parse(text.slice(keyStart, keyEnd + 1)) as string) : text.slice(keyStart + 1, keyEnd);
        if (integerKeys.has(key) && !isIntegerLiteral(text.slice(i, end))) return false;
      }
      i = end - 1;
    }
  }
  return keys === propertyCount;
}

/** The first problem of `text` (valid JSON), or undefined. */
export function scanJsonText(text: string, options: ScanOptions = {}): JsonTextProblem | undefined {
  const integerKeys = options.integerKeys;
  const parsed = options.parsed;
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && isCleanFlatObject(text, Object.keys(parsed).length, integerKeys)) {
    return undefined;
  }
  const stack: Frame[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top?.keys !== undefined && top.expectKey) {
        const key = stringEscaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        const firstLine = top.keys.get(key);
        if (firstLine !== undefined) return { kind: 'duplicate-key', key, objectPath: pathOf(stack), firstLine, line };
        top.keys.set(key, line);
        top.lastKey = key;
        top.expectKey = false;
      }
      i = end;
    } else if (ch === NEWLINE) line++;
    else if (ch === 0x7b /* { */) stack.push({ keys: new Map(), expectKey: true, lastKey: '', index: 0 });
    else if (ch === 0x5b /* [ */) stack.push({ keys: undefined, expectKey: false, lastKey: '', index: 0 });
    else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) stack.pop();
    else if (ch === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top === undefined) continue;
      if (top.keys === undefined) top.index++;
      else top.expectKey = true;
    } else if (integerKeys !== undefined && (ch === 0x2d || (ch >= 0x30 && ch <= 0x39))) {
      const end = numberEnd(text, i);
      // Digits (and a sign) only is an integer as written: no need to read the literal again.
      // A number right under the top-level object is the value of its last key.
      if (!numberPlain && stack.length === 1 && integerKeys.has(stack[0].lastKey)) {
        const literal = text.slice(i, end);
        if (!isIntegerLiteral(literal)) return { kind: 'not-an-integer', key: stack[0].lastKey, literal, line };
      }
      i = end - 1;
    }
  }
  return undefined;
}

/** The key's full dotted name: "kafka.bindAddress", or "bindAddress" at the top. */
export const duplicateKeyName = (duplicate: DuplicateKey): string =>
  duplicate.objectPath === '' ? duplicate.key : `${duplicate.objectPath}.${duplicate.key}`;
