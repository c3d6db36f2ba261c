/**
 * A tokenizer for ksqlDB scripts. It knows just enough of the language to split statements and
 * find names reliably: comments, string literals ('it''s'), quoted identifiers (`Name`),
 * numbers, words and punctuation, each with the line it starts on.
 */

export type TokenType = 'word' | 'quoted' | 'string' | 'number' | 'symbol';

export interface Token {
  readonly type: TokenType;
  /** For `word`: as written. For `quoted` and `string`: the unescaped content. Otherwise the text. */
  readonly value: string;
  /** 1-based line of the token's first character. */
  readonly line: number;
  /** Offsets of the token in the source text, end exclusive. */
  readonly start: number;
  readonly end: number;
}

/** A span of the source that is a comment, so statement text can be printed without it. */
export interface CommentSpan {
  readonly start: number;
  readonly end: number;
}

export interface LexProblem {
  readonly line: number;
  readonly message: string;
}

export interface LexResult {
  readonly tokens: Token[];
  readonly comments: CommentSpan[];
  readonly problems: LexProblem[];
}

const TWO_CHAR_SYMBOLS = new Set(['<=', '>=', '<>', '!=', '=>', '->', '||', ':=']);

function isWordStart(c: string): boolean {
  return /[A-Za-z_]/.test(c);
}

function isWordPart(c: string): boolean {
  return /[A-Za-z0-9_@$]/.test(c);
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

export function tokenize(text: string): LexResult {
  const tokens: Token[] = [];
  const comments: CommentSpan[] = [];
  const problems: LexProblem[] = [];
  let i = 0;
  let line = 1;

  const advanceTo = (end: number): void => {
    for (let k = i; k < end; k++) if (text[k] === '\n') line++;
    i = end;
  };

  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '\n' || c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      advanceTo(i + 1);
      continue;
    }
    if (c === '-' && next === '-') {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 ? text.length : nl;
      comments.push({ start: i, end });
      advanceTo(end);
      continue;
    }
    if (c === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close === -1) {
        problems.push({ line, message: 'unterminated /* comment' });
        comments.push({ start: i, end: text.length });
        advanceTo(text.length);
        continue;
      }
      comments.push({ start: i, end: close + 2 });
      advanceTo(close + 2);
      continue;
    }
    const startLine = line;
    const start = i;
    if (c === "'" || c === '`' || c === '"') {
      // Both quote kinds escape themselves by doubling ('it''s', `a``b`).
      let value = '';
      let k = i + 1;
      let closed = false;
      while (k < text.length) {
        if (text[k] === c) {
          if (text[k + 1] === c) {
            value += c;
            k += 2;
            continue;
          }
          closed = true;
          k++;
          break;
        }
        value += text[k];
        k++;
      }
      if (!closed) {
        problems.push({ line: startLine, message: `unterminated ${c === "'" ? 'string literal' : 'quoted identifier'}` });
      }
      advanceTo(k);
      tokens.push({ type: c === "'" ? 'string' : 'quoted', value, line: startLine, start, end: k });
      continue;
    }
    if (isDigit(c) || (c === '.' && next !== undefined && isDigit(next))) {
      let k = i;
      while (k < text.length && isDigit(text[k])) k++;
      if (text[k] === '.') {
        k++;
        while (k < text.length && isDigit(text[k])) k++;
      }
      if ((text[k] === 'e' || text[k] === 'E') && /[0-9+-]/.test(text[k + 1] ?? '')) {
        k += 2;
        while (k < text.length && isDigit(text[k])) k++;
      }
      advanceTo(k);
      tokens.push({ type: 'number', value: text.slice(start, k), line: startLine, start, end: k });
      continue;
    }
    if (isWordStart(c)) {
      let k = i + 1;
      while (k < text.length && isWordPart(text[k])) k++;
      advanceTo(k);
      tokens.push({ type: 'word', value: text.slice(start, k), line: startLine, start, end: k });
      continue;
    }
    if (c === '$' && next === '{') {
      problems.push({
        line: startLine,
        message: 'variable substitution (${...}) is not supported in deployed scripts',
      });
    }
    const two = text.slice(i, i + 2);
    const symbol = TWO_CHAR_SYMBOLS.has(two) ? two : c;
    advanceTo(i + symbol.length);
    tokens.push({ type: 'symbol', value: symbol, line: startLine, start, end: i });
  }
  return { tokens, comments, problems };
}

/** True when the token is the given keyword (case-insensitive, unquoted). */
export function isKeyword(token: Token | undefined, keyword: string): boolean {
  return token !== undefined && token.type === 'word' && token.value.toUpperCase() === keyword;
}

export function isSymbol(token: Token | undefined, symbol: string): boolean {
  return token !== undefined && token.type === 'symbol' && token.value === symbol;
}

/** The name an identifier token denotes: unquoted words are upper-cased, as ksqlDB does. */
export function identifierName(token: Token): string {
  return token.type === 'quoted' ? token.value : token.value.toUpperCase();
}
