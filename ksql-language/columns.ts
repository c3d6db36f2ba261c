/**
 * The columns a ksqlDB object writes to its topic, and which of them are in the record's value.
 * Sinks, dashboards, data views and Pinot schemas read the value only (the key becomes a document
 * id at most), so every field they name must be a value column of the object behind them.
 *
 * ksqlDB's rules, as applied here:
 * - CREATE with a column list: KEY / PRIMARY KEY columns are the key, HEADER(S) columns are
 *   read from headers, the rest is the value.
 * - CREATE ... AS SELECT: one column per projection item, named by its alias, else by the column it
 *   references, else KSQL_COL_<position>. `*` brings every column of the (single) source, key columns
 *   staying key.
 * - The key of a GROUP BY query is the projection item whose expression is the grouping expression;
 *   of a PARTITION BY query, the partitioning expression; of a join, an item equal to either side of
 *   the ON condition; of any other query, items that reference a key column of the source.
 *   `AS_VALUE(x)` copies x into the value under its alias.
 */
import { identifierName, isKeyword, isSymbol, tokenize, type Token } from './lexer';
import type { KsqlStatement } from './parser';

export type ColumnPlace = 'key' | 'value' | 'header';

export interface OutputColumn {
  readonly name: string;
  readonly place: ColumnPlace;
}

export class ColumnAnalysisError extends Error {
  constructor(statement: KsqlStatement, problem: string, fix: string) {
    super(`${statement.file}:${statement.line}: ${statement.name}: ${problem} — ${fix}`);
    this.name = 'ColumnAnalysisError';
  }
}

/** Top-level clauses that end the FROM part of a query. */
const CLAUSE_KEYWORDS = ['WHERE', 'WINDOW', 'GROUP', 'PARTITION', 'HAVING', 'EMIT', 'LIMIT'];
const JOIN_START_KEYWORDS = ['JOIN', 'LEFT', 'RIGHT', 'INNER', 'FULL', 'OUTER'];

interface QueryShape {
  readonly projection: Token[][];
  /** Source aliases and names, e.g. C -> CLICKSTREAM and CLICKSTREAM -> CLICKSTREAM. */
  readonly sources: ReadonlyMap<string, string>;
  readonly groupBy: Token[][];
  readonly partitionBy: Token[][];
  /** Both sides of each ON equality. */
  readonly joinSides: Token[][];
}

/** Splits tokens where a top-level token is a separator (a comma by default). */
function splitOn(tokens: readonly Token[], separator: (t: Token) => boolean = (t) => isSymbol(t, ',')): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (isSymbol(t, '(')) depth++;
    else if (isSymbol(t, ')')) depth--;
    if (depth === 0 && separator(t)) parts.push([]);
    else parts[parts.length - 1].push(t);
  }
  return parts.filter((p) => p.length > 0);
}

/** Index of the first top-level token at or after `from` that satisfies `stop`, else the end. */
function topLevelIndex(tokens: readonly Token[], from: number, stop: (t: Token, i: number) => boolean): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i];
    if (isSymbol(t, '(')) depth++;
    else if (isSymbol(t, ')')) depth--;
    else if (depth === 0 && stop(t, i)) return i;
  }
  return tokens.length;
}

const isAnyKeyword = (keywords: readonly string[]) => (t: Token): boolean => keywords.some((k) => isKeyword(t, k));

function clauseAfter(tokens: readonly Token[], first: string, second: string): Token[][] {
  const at = topLevelIndex(tokens, 0, (t, i) => isKeyword(t, first) && isKeyword(tokens[i + 1], second));
  if (at >= tokens.length) return [];
  const end = topLevelIndex(tokens, at + 2, isAnyKeyword(CLAUSE_KEYWORDS));
  return splitOn(tokens.slice(at + 2, end));
}

function queryShape(statement: KsqlStatement): QueryShape {
  const tokens = tokenize(statement.statement).tokens.filter((t) => !isSymbol(t, ';'));
  const select = topLevelIndex(tokens, 0, (t) => isKeyword(t, 'SELECT'));
  const from = topLevelIndex(tokens, select + 1, (t) => isKeyword(t, 'FROM'));
  const fromEnd = topLevelIndex(tokens, from + 1, isAnyKeyword(CLAUSE_KEYWORDS));
  const sources = new Map<string, string>();
  const joinSides: Token[][] = [];
  // FROM a [alias] [[LEFT|...] JOIN b [alias] [WITHIN ...] ON x = y]...
  for (let i = from + 1; i < fromEnd; i++) {
    const t = tokens[i];
    const previous = tokens[i - 1];
    if ((t.type === 'word' || t.type === 'quoted') && (isKeyword(previous, 'FROM') || isKeyword(previous, 'JOIN'))) {
      const name = identifierName(t);
      sources.set(name, name);
      const alias = tokens[i + 1];
      if (alias && i + 1 < fromEnd && (alias.type === 'word' || alias.type === 'quoted') && !isAnyKeyword([...JOIN_START_KEYWORDS, 'ON', 'WITHIN', 'AS'])(alias)) {
        sources.set(identifierName(alias), name);
      }
    } else if (isKeyword(t, 'ON')) {
      const end = Math.min(topLevelIndex(tokens, i + 1, isAnyKeyword(JOIN_START_KEYWORDS)), fromEnd);
      for (const equality of splitOn(tokens.slice(i + 1, end), (u) => isKeyword(u, 'AND'))) {
        joinSides.push(...splitOn(equality, (u) => isSymbol(u, '=')));
      }
    }
  }
  return {
    projection: splitOn(tokens.slice(select + 1, from)),
    sources,
    groupBy: clauseAfter(tokens, 'GROUP', 'BY'),
    partitionBy: clauseAfter(tokens, 'PARTITION', 'BY'),
    joinSides,
  };
}

/** An expression's text for comparison: upper-cased words, source qualifiers (`C.`) dropped. */
function normalized(expression: readonly Token[], sources: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  for (let i = 0; i < expression.length; i++) {
    const t = expression[i];
    if ((t.type === 'word' || t.type === 'quoted') && isSymbol(expression[i + 1], '.') && sources.has(identifierName(t))) {
      i++;
      continue;
    }
    parts.push(t.type === 'string' ? `'${t.value}'` : t.type === 'word' || t.type === 'quoted' ? identifierName(t) : t.value);
  }
  return parts.join(' ');
}

/** `expr AS alias` -> alias; a bare (qualified) column -> its name; else undefined. */
function itemName(item: readonly Token[]): string | undefined {
  const last = item[item.length - 1];
  if (item.length >= 3 && isKeyword(item[item.length - 2], 'AS') && (last.type === 'word' || last.type === 'quoted')) return identifierName(last);
  const bare = item.length === 1 || (item.length === 3 && isSymbol(item[1], '.'));
  return bare && (last.type === 'word' || last.type === 'quoted') ? identifierName(last) : undefined;
}

function itemExpression(item: readonly Token[]): Token[] {
  return item.length >= 3 && isKeyword(item[item.length - 2], 'AS') ? item.slice(0, -2) : [...item];
}

function declaredColumns(statement: KsqlStatement): OutputColumn[] {
  return statement.columns.map((c) => ({
    name: c.name,
    place: c.role === 'KEY' || c.role === 'PRIMARY KEY' ? 'key' : c.role === 'HEADER' || c.role === 'HEADERS' ? 'header' : 'value',
  }));
}

/** Every column the object writes, in order, with its place in the record. */
export function outputColumns(statement: KsqlStatement, byName: ReadonlyMap<string, KsqlStatement>): OutputColumn[] {
  if (statement.form === 'CREATE') return declaredColumns(statement);
  const shape = queryShape(statement);
  const sourceColumns = (name: string): OutputColumn[] => {
    const source = byName.get(name);
    if (!source) throw new ColumnAnalysisError(statement, `reads ${name}, which no script declares`, `declare ${name} before it`);
    return outputColumns(source, byName);
  };
  const grouping = [...shape.groupBy, ...shape.partitionBy].map((e) => normalized(e, shape.sources));
  const joinKeys = shape.joinSides.map((e) => normalized(e, shape.sources));
  const derivedKey = grouping.length > 0 || joinKeys.length > 0;
  // A join has one key column: the first item equal to either side of the condition.
  let joinKeyTaken = false;
  const columns: OutputColumn[] = [];
  shape.projection.forEach((item, position) => {
    if (isSymbol(item[item.length - 1], '*')) {
      const distinct = new Set(shape.sources.values());
      if (distinct.size !== 1 || derivedKey) {
        throw new ColumnAnalysisError(statement, 'SELECT * over a join, GROUP BY or PARTITION BY', 'list the columns with aliases, so their names and places are explicit');
      }
      columns.push(...sourceColumns([...distinct][0]).filter((c) => c.place !== 'header'));
      return;
    }
    const name = itemName(item) ?? `KSQL_COL_${position}`;
    const expression = itemExpression(item);
    let key: boolean;
    if (grouping.length > 0) key = grouping.includes(normalized(expression, shape.sources));
    else if (joinKeys.length > 0) {
      key = !joinKeyTaken && joinKeys.includes(normalized(expression, shape.sources));
      joinKeyTaken ||= key;
    }
    else {
      const referenced = expression.length === 1 || (expression.length === 3 && isSymbol(expression[1], '.')) ? identifierName(expression[expression.length - 1]) : undefined;
      const sourceName = expression.length === 3 ? shape.sources.get(identifierName(expression[0])) : [...new Set(shape.sources.values())][0];
      key = referenced !== undefined && sourceName !== undefined && sourceColumns(sourceName).some((c) => c.name === referenced && c.place === 'key');
    }
    columns.push({ name, place: key ? 'key' : 'value' });
  });
  return columns;
}

/** The names of the columns in the object's record value: the fields of a sink's documents. */
export function valueColumns(statement: KsqlStatement, byName: ReadonlyMap<string, KsqlStatement>): string[] {
  return outputColumns(statement, byName).filter((c) => c.place === 'value').map((c) => c.name);
}
