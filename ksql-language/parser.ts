/**
 * Splits a ksqlDB script into statements and reads from each what deployment and validation need:
 * the object it creates, its kind, whether it is a plain CREATE or CREATE ... AS SELECT, the
 * streams and tables it reads (FROM / JOIN), its WITH properties and its declared columns.
 * It is not a full ksqlDB grammar: expressions are skipped, not understood.
 */
import { CommentSpan, Token, identifierName, isKeyword, isSymbol, tokenize } from './lexer';
import type { ScriptProblem } from './problem';

export type ObjectKind = 'STREAM' | 'TABLE';
export type StatementForm = 'CREATE' | 'CREATE_AS_SELECT' | 'INSERT_INTO';
export type KeyRole = 'KEY' | 'PRIMARY KEY' | 'HEADERS' | 'HEADER';
export type PropertyValue = string | number | boolean;

export interface ColumnDecl {
  readonly name: string;
  /** Upper-case type as written, with the aliases STRING and INT spelled VARCHAR and INTEGER. */
  readonly type: string;
  readonly role?: KeyRole;
  readonly line: number;
}

export interface SourceRef {
  readonly name: string;
  readonly line: number;
}

export interface PropertyDecl {
  readonly value: PropertyValue;
  readonly line: number;
}

/** A statement that deploys something: a stream, a table, or an INSERT INTO query. */
export interface KsqlStatement {
  readonly file: string;
  /** Line of the statement's first token. */
  readonly line: number;
  readonly form: StatementForm;
  /** STREAM or TABLE for CREATE statements; INSERT for INSERT INTO. */
  readonly kind: ObjectKind | 'INSERT';
  /** The object created, or the QUERY_ID of an INSERT INTO (which is how it is found and terminated). */
  readonly name: string;
  /** INSERT INTO: the stream written to. */
  readonly target?: string;
  readonly orReplace: boolean;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDecl[];
  /** WITH properties, keys upper-cased. */
  readonly properties: Readonly<Record<string, PropertyDecl>>;
  /** Streams and tables named after FROM and JOIN. */
  readonly sources: readonly SourceRef[];
  /** A windowed aggregation (WINDOW clause), or a table declared on a windowed topic (WINDOW_TYPE). */
  readonly windowed: boolean;
  /** `WINDOW ... (..., RETENTION n unit)`: how long ksqlDB keeps the window's state, in ms. */
  readonly windowRetentionMs?: number;
  /** Uses of syntax that current ksqlDB rejects, found while parsing. */
  readonly removedSyntax: readonly ScriptProblem[];
  /** Names used as bare ROWKEY references (no longer an implicit column). */
  readonly rowkeyLines: readonly number[];
  /** The statement as sent to ksqlDB: comments removed, trailing blanks trimmed, ending in ';'. */
  readonly statement: string;
}

/** SET / UNSET lines: session properties the ksql CLI applies to the statements that follow. */
export interface SessionSetting {
  readonly file: string;
  readonly line: number;
  readonly property: string;
  readonly value?: string;
}

export interface ParsedScript {
  readonly file: string;
  readonly statements: readonly KsqlStatement[];
  readonly settings: readonly SessionSetting[];
  readonly problems: readonly ScriptProblem[];
}

interface QueryParts {
  readonly sources: SourceRef[];
  readonly windowed: boolean;
  readonly windowRetentionMs?: number;
}

/** ksqlDB's time units (DAYS, HOURS, ... are accepted too), in milliseconds. */
const TIME_UNIT_MS: Readonly<Record<string, number>> = {
  MILLISECOND: 1,
  SECOND: 1_000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
};

const TYPE_ALIASES: Readonly<Record<string, string>> = { STRING: 'VARCHAR', INT: 'INTEGER' };

/** Removes comments from a statement's source text and trims blank lines and trailing spaces. */
function statementText(text: string, start: number, end: number, comments: readonly CommentSpan[]): string {
  let out = '';
  let pos = start;
  for (const c of comments) {
    if (c.end <= start || c.start >= end) continue;
    out += text.slice(pos, c.start);
    // A block comment between two tokens must not glue them together.
    out += text.slice(c.start, c.start + 2) === '/*' ? ' ' : '';
    pos = c.end;
  }
  out += text.slice(pos, end);
  return out
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.length > 0)
    .join('\n');
}

/** A cursor over one statement's tokens. */
class Cursor {
  pos = 0;
  constructor(readonly tokens: readonly Token[]) {}
  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  next(): Token | undefined {
    return this.tokens[this.pos++];
  }
  acceptKeyword(keyword: string): boolean {
    if (isKeyword(this.peek(), keyword)) {
      this.pos++;
      return true;
    }
    return false;
  }
  acceptSymbol(symbol: string): boolean {
    if (isSymbol(this.peek(), symbol)) {
      this.pos++;
      return true;
    }
    return false;
  }
  done(): boolean {
    return this.pos >= this.tokens.length;
  }
}

class StatementParser {
  readonly problems: ScriptProblem[] = [];
  private readonly removed: ScriptProblem[] = [];

  constructor(
    private readonly file: string,
    private readonly tokens: readonly Token[],
    private readonly text: string,
  ) {}

  private problem(line: number, problem: string, fix: string): void {
    this.problems.push({ file: this.file, line, problem, fix });
  }

  parse(): KsqlStatement | SessionSetting | undefined {
    const c = new Cursor(this.tokens);
    const first = c.peek()!;
    if (isKeyword(first, 'SET') || isKeyword(first, 'UNSET')) return this.parseSetting(c);
    if (isKeyword(first, 'CREATE')) return this.parseCreate(c);
    if (isKeyword(first, 'INSERT')) return this.parseInsert(c);
    const words = this.tokens.slice(0, 2).map((t) => t.value.toUpperCase()).join(' ');
    this.problem(
      first.line,
      `unsupported statement "${words} ..." in a deployed script`,
      'a pipeline script holds only CREATE STREAM/TABLE [AS SELECT], INSERT INTO ... SELECT and SET \'auto.offset.reset\'; run other statements by hand in the ksql CLI',
    );
    return undefined;
  }

  private parseSetting(c: Cursor): SessionSetting | undefined {
    const verb = c.next()!;
    const prop = c.next();
    if (!prop || prop.type !== 'string') {
      this.problem(verb.line, `${verb.value.toUpperCase()} without a quoted property name`, "write SET 'auto.offset.reset'='earliest';");
      return undefined;
    }
    if (isKeyword(verb, 'UNSET')) return { file: this.file, line: verb.line, property: prop.value };
    if (!c.acceptSymbol('=') || c.peek()?.type !== 'string') {
      this.problem(verb.line, `SET '${prop.value}' without a quoted value`, "write SET 'auto.offset.reset'='earliest';");
      return undefined;
    }
    return { file: this.file, line: verb.line, property: prop.value, value: c.next()!.value };
  }

  private expectName(c: Cursor, what: string): Token | undefined {
    const t = c.peek();
    if (t && (t.type === 'word' || t.type === 'quoted')) {
      c.pos++;
      return t;
    }
    this.problem(t?.line ?? this.tokens[0].line, `expected ${what} but found ${t ? `"${t.value}"` : 'the end of the statement'}`, 'check the statement syntax against the ksqlDB reference');
    return undefined;
  }

  private parseCreate(c: Cursor): KsqlStatement | undefined {
    const first = c.next()!;
    const orReplace = c.acceptKeyword('OR');
    if (orReplace && !c.acceptKeyword('REPLACE')) {
      this.problem(first.line, 'CREATE OR without REPLACE', 'write CREATE OR REPLACE, or CREATE');
    }
    c.acceptKeyword('SOURCE');
    let kind: ObjectKind;
    if (c.acceptKeyword('STREAM')) kind = 'STREAM';
    else if (c.acceptKeyword('TABLE')) kind = 'TABLE';
    else {
      const what = c.peek()?.value.toUpperCase() ?? '';
      this.problem(
        first.line,
        `unsupported statement "CREATE ${what}" in a deployed script`,
        'a pipeline script creates only streams and tables; create types and connectors elsewhere (connectors are Terraform resources of the stack)',
      );
      return undefined;
    }
    const ifNotExists = c.acceptKeyword('IF') && c.acceptKeyword('NOT') && c.acceptKeyword('EXISTS');
    const nameToken = this.expectName(c, `a ${kind.toLowerCase()} name`);
    if (!nameToken) return undefined;

    let columns: ColumnDecl[] = [];
    if (isSymbol(c.peek(), '(')) columns = this.parseColumns(c);
    let properties: Record<string, PropertyDecl> = {};
    if (c.acceptKeyword('WITH')) properties = this.parseProperties(c);
    let form: StatementForm = 'CREATE';
    let sources: SourceRef[] = [];
    let windowed = properties.WINDOW_TYPE !== undefined;
    let windowRetentionMs: number | undefined;
    if (c.acceptKeyword('AS')) {
      form = 'CREATE_AS_SELECT';
      const query = this.parseQuery(c);
      sources = query.sources;
      windowed = query.windowed;
      windowRetentionMs = query.windowRetentionMs;
      if (columns.length > 0) {
        this.problem(first.line, `${kind} ${identifierName(nameToken)} declares columns and AS SELECT`, 'drop the column list: a CREATE ... AS SELECT takes its columns from the query');
      }
    } else if (!c.done()) {
      const t = c.peek()!;
      this.problem(t.line, `unexpected "${t.value}" after the ${kind.toLowerCase()} definition`, 'a CREATE statement is: CREATE STREAM|TABLE name (columns) WITH (...); or CREATE STREAM|TABLE name [WITH (...)] AS SELECT ...;');
    }
    this.checkKeyProperty(properties);
    return this.finish({
      form,
      kind,
      name: identifierName(nameToken),
      orReplace,
      ifNotExists,
      columns,
      properties,
      sources,
      windowed,
      ...(windowRetentionMs === undefined ? {} : { windowRetentionMs }),
    });
  }

  private parseInsert(c: Cursor): KsqlStatement | undefined {
    const first = c.next()!;
    if (!c.acceptKeyword('INTO')) {
      this.problem(first.line, 'INSERT without INTO', 'write INSERT INTO <stream> WITH (QUERY_ID=\'...\') SELECT ...;');
      return undefined;
    }
    const target = this.expectName(c, 'the stream to insert into');
    if (!target) return undefined;
    if (isSymbol(c.peek(), '(') || isKeyword(c.peek(), 'VALUES')) {
      this.problem(first.line, 'INSERT INTO ... VALUES in a deployed script', 'scripts define continuous queries; insert sample rows by hand in the ksql CLI');
      return undefined;
    }
    let properties: Record<string, PropertyDecl> = {};
    if (c.acceptKeyword('WITH')) properties = this.parseProperties(c);
    const query = this.parseQuery(c);
    const queryId = properties.QUERY_ID;
    let name = '';
    if (!queryId || typeof queryId.value !== 'string' || queryId.value.length === 0) {
      this.problem(
        first.line,
        `INSERT INTO ${identifierName(target)} has no QUERY_ID`,
        "add WITH (QUERY_ID='<NAME>') before SELECT: the deployment finds, replaces and terminates the query by that id",
      );
    } else {
      name = queryId.value.toUpperCase();
    }
    return this.finish({
      form: 'INSERT_INTO',
      kind: 'INSERT',
      name,
      target: identifierName(target),
      orReplace: false,
      ifNotExists: false,
      columns: [],
      properties,
      sources: query.sources,
      windowed: query.windowed,
    });
  }

  private finish(
    parts: Omit<KsqlStatement, 'file' | 'line' | 'statement' | 'removedSyntax' | 'rowkeyLines'>,
  ): KsqlStatement {
    this.scanRemovedSyntax();
    const first = this.tokens[0];
    const last = this.tokens[this.tokens.length - 1];
    return {
      file: this.file,
      line: first.line,
      ...parts,
      removedSyntax: this.removed,
      rowkeyLines: this.tokens.filter((t) => t.type === 'word' && t.value.toUpperCase() === 'ROWKEY').map((t) => t.line),
      // The caller replaces this with the comment-free text, as it holds the comment spans.
      statement: this.text.slice(first.start, last.end),
    };
  }

  /** `( name type [KEY|PRIMARY KEY|HEADERS|HEADER('k')], ... )` */
  private parseColumns(c: Cursor): ColumnDecl[] {
    const open = c.next()!;
    const columns: ColumnDecl[] = [];
    let depth = 0;
    let current: Token[] = [];
    const flush = (): void => {
      if (current.length === 0) {
        this.problem(open.line, 'empty column definition', 'remove the extra comma');
        return;
      }
      const col = this.parseColumn(current);
      if (col) columns.push(col);
      current = [];
    };
    for (;;) {
      const t = c.next();
      if (!t) {
        this.problem(open.line, 'unclosed column list', 'close the column list with ")"');
        return columns;
      }
      if (t.type === 'symbol' && (t.value === '(' || t.value === '<')) depth++;
      if (t.type === 'symbol' && (t.value === ')' || t.value === '>')) {
        if (depth === 0 && t.value === ')') {
          flush();
          return columns;
        }
        depth--;
      }
      if (depth === 0 && isSymbol(t, ',')) flush();
      else current.push(t);
    }
  }

  private parseColumn(tokens: Token[]): ColumnDecl | undefined {
    const nameToken = tokens[0];
    if (nameToken.type !== 'word' && nameToken.type !== 'quoted') {
      this.problem(nameToken.line, `expected a column name but found "${nameToken.value}"`, 'write each column as <name> <type>');
      return undefined;
    }
    let end = tokens.length;
    let role: KeyRole | undefined;
    const kw = (i: number): string => (tokens[i]?.type === 'word' ? tokens[i].value.toUpperCase() : '');
    for (let i = 1; i < tokens.length; i++) {
      const w = kw(i);
      if (w === 'KEY') role = 'KEY';
      else if (w === 'PRIMARY' && kw(i + 1) === 'KEY') role = 'PRIMARY KEY';
      else if (w === 'HEADERS') role = 'HEADERS';
      else if (w === 'HEADER') role = 'HEADER';
      if (role) {
        end = i;
        break;
      }
    }
    const typeTokens = tokens.slice(1, end);
    if (typeTokens.length === 0) {
      this.problem(nameToken.line, `column ${identifierName(nameToken)} has no type`, 'write each column as <name> <type>');
      return undefined;
    }
    let type = '';
    typeTokens.forEach((t, i) => {
      const prev = typeTokens[i - 1];
      if (prev && prev.type !== 'symbol' && t.type !== 'symbol') type += ' ';
      if (prev && isSymbol(prev, ',')) type += ' ';
      type += t.type === 'word' ? t.value.toUpperCase() : t.type === 'quoted' ? `\`${t.value}\`` : t.value;
    });
    type = TYPE_ALIASES[type] ?? type;
    return { name: identifierName(nameToken), type, role, line: nameToken.line };
  }

  /** `( NAME = value, ... )` */
  private parseProperties(c: Cursor): Record<string, PropertyDecl> {
    const props: Record<string, PropertyDecl> = {};
    const open = c.peek();
    if (!c.acceptSymbol('(')) {
      this.problem(open?.line ?? this.tokens[0].line, 'WITH without "("', 'write WITH (NAME=\'value\', ...)');
      return props;
    }
    for (;;) {
      const key = c.next();
      if (!key) {
        this.problem(open!.line, 'unclosed WITH (...)', 'close the property list with ")"');
        return props;
      }
      if (key.type !== 'word' && key.type !== 'quoted') {
        this.problem(key.line, `expected a property name but found "${key.value}"`, 'write WITH (NAME=\'value\', ...)');
        return props;
      }
      if (!c.acceptSymbol('=')) {
        this.problem(key.line, `property ${key.value} has no "= value"`, 'write WITH (NAME=\'value\', ...)');
        return props;
      }
      const negative = c.acceptSymbol('-');
      const v = c.next();
      let value: PropertyValue;
      if (!v) {
        this.problem(key.line, `property ${key.value} has no value`, 'write WITH (NAME=\'value\', ...)');
        return props;
      } else if (v.type === 'string') value = v.value;
      else if (v.type === 'number') value = Number(v.value) * (negative ? -1 : 1);
      else if (isKeyword(v, 'TRUE') || isKeyword(v, 'FALSE')) value = v.value.toUpperCase() === 'TRUE';
      else value = v.value;
      const name = key.value.toUpperCase();
      if (props[name]) this.problem(key.line, `property ${name} is set twice`, 'keep one');
      props[name] = { value, line: key.line };
      if (c.acceptSymbol(')')) return props;
      if (!c.acceptSymbol(',')) {
        const t = c.peek();
        this.problem(t?.line ?? key.line, `expected "," or ")" after property ${name}`, 'separate properties with commas');
        return props;
      }
    }
  }

  /** SELECT ...: collects FROM / JOIN sources, whether a WINDOW clause is present and its RETENTION. */
  private parseQuery(c: Cursor): QueryParts {
    const sources: SourceRef[] = [];
    let windowed = false;
    let windowRetentionMs: number | undefined;
    const select = c.peek();
    if (!isKeyword(select, 'SELECT')) {
      this.problem(select?.line ?? this.tokens[0].line, `expected SELECT but found ${select ? `"${select.value}"` : 'the end of the statement'}`, 'write ... AS SELECT ... FROM <source> ...;');
      return { sources, windowed };
    }
    let depth = 0;
    while (!c.done()) {
      const t = c.next()!;
      if (isSymbol(t, '(')) depth++;
      else if (isSymbol(t, ')')) depth--;
      else if (depth === 0 && (isKeyword(t, 'FROM') || isKeyword(t, 'JOIN'))) {
        const src = c.peek();
        if (src && (src.type === 'word' || src.type === 'quoted')) {
          sources.push({ name: identifierName(src), line: src.line });
          c.pos++;
        } else {
          this.problem(t.line, `${t.value.toUpperCase()} is not followed by a stream or table name`, 'ksqlDB reads from named streams and tables only (no subqueries)');
        }
      } else if (depth === 0 && isKeyword(t, 'WINDOW')) windowed = true;
      else if (windowed && depth === 1 && isKeyword(t, 'RETENTION')) windowRetentionMs = this.parseDuration(c, t);
    }
    if (sources.length === 0) {
      this.problem(select!.line, 'SELECT without FROM', 'name the stream or table the query reads');
    }
    return windowRetentionMs === undefined ? { sources, windowed } : { sources, windowed, windowRetentionMs };
  }

  /** `<n> <unit>` after RETENTION: ksqlDB's time units, singular or plural. */
  private parseDuration(c: Cursor, keyword: Token): number | undefined {
    const amount = c.peek();
    const unit = c.peek(1);
    const ms = unit && unit.type === 'word' ? TIME_UNIT_MS[unit.value.toUpperCase().replace(/S$/, '')] : undefined;
    if (!amount || amount.type !== 'number' || !/^\d+$/.test(amount.value) || ms === undefined) {
      this.problem(keyword.line, 'RETENTION is not followed by a duration', `write RETENTION <whole number> <unit>, the unit one of ${Object.keys(TIME_UNIT_MS).join(', ')} (or the plural)`);
      return undefined;
    }
    c.pos += 2;
    return Number(amount.value) * ms;
  }

  /** `WITH (KEY='col')` was removed in ksqlDB 0.10: key columns are declared in the column list. */
  private checkKeyProperty(props: Record<string, PropertyDecl>): void {
    const key = props.KEY;
    if (key) {
      this.removed.push({
        file: this.file,
        line: key.line,
        problem: "WITH (KEY=...) is removed syntax (ksqlDB 0.10+)",
        fix: 'declare the key in the column list: <col> <type> KEY for a stream, <col> <type> PRIMARY KEY for a table',
      });
    }
  }

  /** WindowStart() / WindowEnd() functions became the WINDOWSTART / WINDOWEND pseudo columns. */
  private scanRemovedSyntax(): void {
    this.tokens.forEach((t, i) => {
      const w = t.type === 'word' ? t.value.toUpperCase() : '';
      if ((w === 'WINDOWSTART' || w === 'WINDOWEND') && isSymbol(this.tokens[i + 1], '(')) {
        this.removed.push({
          file: this.file,
          line: t.line,
          problem: `${t.value}() is removed syntax (ksqlDB 0.10+)`,
          fix: `use the ${w} pseudo column without parentheses`,
        });
      }
    });
  }
}

/** Parses a whole script. Statement line numbers are those of the script file. */
export function parseScript(file: string, text: string): ParsedScript {
  const lex = tokenize(text);
  const problems: ScriptProblem[] = lex.problems.map((p) => ({
    file,
    line: p.line,
    problem: p.message,
    fix: 'close it, or remove it',
  }));
  const statements: KsqlStatement[] = [];
  const settings: SessionSetting[] = [];
  let current: Token[] = [];
  const flush = (terminator: Token): void => {
    if (current.length === 0) return;
    const parser = new StatementParser(file, current, text);
    const parsed = parser.parse();
    problems.push(...parser.problems);
    if (parsed && 'form' in parsed) {
      const text2 = statementText(text, current[0].start, terminator.end, lex.comments);
      statements.push({ ...parsed, statement: text2 });
    } else if (parsed) {
      settings.push(parsed);
    }
    current = [];
  };
  for (const t of lex.tokens) {
    if (isSymbol(t, ';')) flush(t);
    else current.push(t);
  }
  if (current.length > 0) {
    problems.push({
      file,
      line: current[0].line,
      problem: 'the last statement has no terminating semicolon',
      fix: 'end it with ";" (RUN SCRIPT and the deployment both need it)',
    });
  }
  return { file, statements, settings, problems };
}
