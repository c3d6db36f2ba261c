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

/** The first problem of `text` (valid JSON), or undefined. */
export function scanJsonText(text: string, options: ScanOptions = {}): JsonTextProblem | undefined {
  const integerKeys = options.integerKeys;
  const stack: Frame[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      let end = i + 1;
      let escaped = false;
      for (let c = text.charCodeAt(end); c !== QUOTE; c = text.charCodeAt(end)) {
        if (c === BACKSLASH) {
          escaped = true;
          end += 2;
        } else end++;
      }
      const top = stack[stack.length - 1];
      if (top?.keys !== undefined && top.expectKey) {
        const key = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
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
      let end = i + 1;
      // Digits (and a sign) only is an integer as written: no need to read the literal again.
      let plain = true;
      for (let c = text.charCodeAt(end); end < text.length && isNumberChar(c); c = text.charCodeAt(++end)) {
        if (c === 0x2e || c === 0x65 || c === 0x45) plain = false;
      }
      // A number right under the top-level object is the value of its last key.
      if (!plain && stack.length === 1 && integerKeys.has(stack[0].lastKey)) {
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
