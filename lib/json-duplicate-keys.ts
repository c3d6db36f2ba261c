/**
 * Finds a key given twice in one JSON object. JSON.parse keeps the last one silently, while other
 * parsers keep the first or refuse: a file or body with a duplicate means different things to
 * different readers, so the lab's configuration and the payments API refuse it. One pass over the
 * text, after JSON.parse accepted it (so the scanner need not handle invalid JSON).
 */

export interface DuplicateKey {
  /** The key, with its escapes decoded ("\u0061" and "a" are the same key). */
  readonly key: string;
  /** The dotted path of the object holding it ("kafka.external", "pipelines[2]"); '' at the top. */
  readonly objectPath: string;
  /** 1-based lines of the first and the second occurrence. */
  readonly firstLine: number;
  readonly line: number;
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

/** The first key that repeats within one object of `text` (valid JSON), or undefined. */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
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
        if (firstLine !== undefined) return { key, objectPath: pathOf(stack), firstLine, line };
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
    }
  }
  return undefined;
}

/** The key's full dotted name: "kafka.bindAddress", or "bindAddress" at the top. */
export const duplicateKeyName = (duplicate: DuplicateKey): string =>
  duplicate.objectPath === '' ? duplicate.key : `${duplicate.objectPath}.${duplicate.key}`;
