/**
 * Applies and deletes one ksqlDB object (stream, table, or INSERT INTO query) as a RestObject's
 * provisioners require: idempotent apply, CREATE OR REPLACE where ksqlDB allows it, delete that
 * terminates the queries writing the object and drops it. Failures name the file, the line, the
 * statement and ksqlDB's own message (an ApplyError).
 */
import type { KsqlStatement, ObjectKind, StatementForm } from './parser';
import { ApplyError, asApplyError, type AppliedObject } from '../apply-error';
import { KsqlRestClient, KsqlServerError, quoteIdentifier, type SourceInfo } from './rest-client';

/** What a RestObject of tool 'ksql' carries in OBJECT_SPEC. */
export interface KsqlObjectSpec {
  readonly file: string;
  readonly line: number;
  /** The stream or table name, or an INSERT INTO's QUERY_ID. */
  readonly name: string;
  readonly kind: ObjectKind | 'INSERT';
  readonly form: StatementForm;
  /** The statement exactly as deployed (comments removed). */
  readonly statement: string;
  /** INSERT INTO: the stream it writes. */
  readonly target?: string;
}

/** The spec a statement is deployed with; its hash decides when the object is replaced. */
export function specFromStatement(s: KsqlStatement): KsqlObjectSpec {
  return {
    file: s.file,
    line: s.line,
    name: s.name,
    kind: s.kind,
    form: s.form,
    statement: s.statement,
    ...(s.target === undefined ? {} : { target: s.target }),
  };
}

export type ApplyOutcome = 'created' | 'unchanged' | 'replaced' | 'recreated';
export type DeleteOutcome = 'dropped' | 'terminated' | 'absent';

const SERVICE = 'ksqlDB';

/** A statement as errors name it: its file and line, kind and name, and its text. */
function objectOf(spec: KsqlObjectSpec): AppliedObject {
  return { label: `${spec.kind} ${spec.name}`, location: `${spec.file}:${spec.line}`, statement: spec.statement };
}

/**
 * Statement text compared the way ksqlDB would parse it: case and whitespace outside string
 * literals and quoted identifiers do not matter, nor does the trailing semicolon.
 */
export function normalizeStatement(statement: string): string {
  let out = '';
  let quote: string | undefined;
  let pendingSpace = false;
  for (const c of statement.trim().replace(/;\s*$/, '')) {
    if (quote) {
      out += c;
      if (c === quote) quote = undefined;
      continue;
    }
    if (/\s/.test(c)) {
      pendingSpace = true;
      continue;
    }
    if (pendingSpace && out.length > 0) out += ' ';
    pendingSpace = false;
    if (c === "'" || c === '`' || c === '"') quote = c;
    out += quote ? c : c.toUpperCase();
  }
  // ksqlDB may keep or drop "OR REPLACE" / "IF NOT EXISTS" when it stores a statement.
  return out.replace(/^CREATE OR REPLACE /, 'CREATE ').replace(/ IF NOT EXISTS /, ' ');
}

/** The statement rewritten as CREATE OR REPLACE (which cannot be combined with IF NOT EXISTS). */
export function asCreateOrReplace(statement: string): string {
  return statement
    .replace(/^(\s*)CREATE\s+(?!OR\s+REPLACE\b)/i, '$1CREATE OR REPLACE ')
    .replace(/^(\s*CREATE\s+OR\s+REPLACE\s+(?:SOURCE\s+)?(?:STREAM|TABLE))\s+IF\s+NOT\s+EXISTS\b/i, '$1');
}

export class KsqlApplier {
  constructor(
    private readonly client: KsqlRestClient,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async apply(spec: KsqlObjectSpec): Promise<ApplyOutcome> {
    await this.ready(spec, 'apply');
    return spec.kind === 'INSERT' ? this.applyInsert(spec) : this.applySource(spec);
  }

  async delete(spec: KsqlObjectSpec): Promise<DeleteOutcome> {
    await this.ready(spec, 'delete');
    return spec.kind === 'INSERT' ? this.deleteInsert(spec) : this.deleteSource(spec);
  }

  private async ready(spec: KsqlObjectSpec, action: string): Promise<void> {
    try {
      await this.client.waitUntilReady();
    } catch (e) {
      throw this.wrap(spec, action, e, 'ksqlDB must be healthy before its objects can be managed; read its log');
    }
  }

  private async findSource(spec: KsqlObjectSpec): Promise<SourceInfo | undefined> {
    const sources = await this.guard(spec, 'list streams and tables for', () => this.client.listSources());
    return sources.find((s) => s.name === spec.name);
  }

  private async applySource(spec: KsqlObjectSpec): Promise<ApplyOutcome> {
    const existing = await this.findSource(spec);
    if (!existing) {
      await this.run(spec, 'create', spec.statement, 'correct the statement (ksqlDB\'s message says what it rejected), then deploy again');
      await this.confirmSource(spec);
      this.log(`created ${spec.kind} ${spec.name} (${spec.file}:${spec.line})`);
      return 'created';
    }
    const description = await this.guard(spec, 'describe', () => this.client.describe(spec.name));
    if (existing.type === spec.kind && description.statement !== undefined && normalizeStatement(description.statement) === normalizeStatement(spec.statement)) {
      this.log(`${spec.kind} ${spec.name} is up to date (${spec.file}:${spec.line})`);
      return 'unchanged';
    }
    if (existing.type === spec.kind) {
      try {
        await this.client.command(asCreateOrReplace(spec.statement));
        await this.confirmSource(spec);
        this.log(`replaced ${spec.kind} ${spec.name} in place (${spec.file}:${spec.line})`);
        return 'replaced';
      } catch (e) {
        if (!(e instanceof KsqlServerError)) throw this.wrap(spec, 'replace', e);
        this.log(`ksqlDB cannot replace ${spec.name} in place (${e.serverMessage}); dropping and recreating it`);
      }
    }
    // Not replaceable in place: drop and recreate, which ksqlDB allows only when nothing reads it.
    const readers = description.readQueries.map((q) => q.id);
    if (readers.length > 0) {
      throw new ApplyError(
        objectOf(spec),
        'replace',
        SERVICE,
        `${existing.type} ${spec.name} exists with another definition that cannot be replaced in place, and queries read it: ${readers.join(', ')}`,
        'replace its dependents too: change them in the same deploy (the stack replaces dependents of a replaced object), or drop them by hand in the ksql CLI',
      );
    }
    await this.dropSource(spec, existing.type === 'TABLE' ? 'TABLE' : 'STREAM');
    await this.run(spec, 'create', spec.statement, 'correct the statement (ksqlDB\'s message says what it rejected), then deploy again');
    await this.confirmSource(spec);
    this.log(`recreated ${spec.kind} ${spec.name} (${spec.file}:${spec.line})`);
    return 'recreated';
  }

  /** DESCRIBE sent with the last commandSequenceNumber: answers only once the command has been executed. */
  private async confirmSource(spec: KsqlObjectSpec): Promise<void> {
    const d = await this.guard(spec, 'confirm', () => this.client.describe(spec.name));
    if (d.type !== spec.kind) {
      throw new ApplyError(objectOf(spec), 'confirm', SERVICE, `ksqlDB reports ${spec.name} as a ${d.type}`, 'check the statement creates the declared kind');
    }
  }

  private async applyInsert(spec: KsqlObjectSpec): Promise<ApplyOutcome> {
    const queries = await this.guard(spec, 'list queries for', () => this.client.listQueries());
    const existing = queries.find((q) => q.id === spec.name);
    if (existing && normalizeStatement(existing.queryString) === normalizeStatement(spec.statement)) {
      this.log(`query ${spec.name} is up to date (${spec.file}:${spec.line})`);
      return 'unchanged';
    }
    if (existing) await this.run(spec, 'terminate', `TERMINATE ${spec.name};`, 'terminate the query by hand in the ksql CLI, then deploy again');
    await this.run(spec, 'create', spec.statement, 'correct the statement (ksqlDB\'s message says what it rejected), then deploy again');
    const after = await this.guard(spec, 'confirm', () => this.client.listQueries());
    if (!after.some((q) => q.id === spec.name)) {
      throw new ApplyError(objectOf(spec), 'confirm', SERVICE, `query ${spec.name} is not running after INSERT INTO succeeded`, 'read the ksqlDB log for the query\'s failure');
    }
    this.log(`${existing ? 'restarted' : 'started'} query ${spec.name} (${spec.file}:${spec.line})`);
    return existing ? 'replaced' : 'created';
  }

  private async deleteInsert(spec: KsqlObjectSpec): Promise<DeleteOutcome> {
    const queries = await this.guard(spec, 'list queries for', () => this.client.listQueries());
    if (!queries.some((q) => q.id === spec.name)) {
      this.log(`query ${spec.name} is not running; nothing to terminate`);
      return 'absent';
    }
    await this.run(spec, 'terminate', `TERMINATE ${spec.name};`, 'terminate the query by hand in the ksql CLI, then destroy again');
    this.log(`terminated query ${spec.name}`);
    return 'terminated';
  }

  private async deleteSource(spec: KsqlObjectSpec): Promise<DeleteOutcome> {
    const existing = await this.findSource(spec);
    if (!existing) {
      this.log(`${spec.kind} ${spec.name} does not exist; nothing to drop`);
      return 'absent';
    }
    await this.dropSource(spec, existing.type === 'TABLE' ? 'TABLE' : 'STREAM');
    this.log(`dropped ${existing.type} ${spec.name}`);
    return 'dropped';
  }

  /** Terminates the queries writing the object, then drops it; its topic is a Terraform resource and stays. */
  private async dropSource(spec: KsqlObjectSpec, kind: ObjectKind): Promise<void> {
    const description = await this.guard(spec, 'describe', () => this.client.describe(spec.name));
    for (const q of description.writeQueries) {
      await this.run(spec, 'terminate', `TERMINATE ${q.id};`, `terminate query ${q.id} by hand in the ksql CLI, then try again`);
    }
    await this.run(
      spec,
      'drop',
      `DROP ${kind} ${quoteIdentifier(spec.name)};`,
      'drop the objects that read it first (destroy runs dependents first; if they were created outside the stack, drop them in the ksql CLI)',
    );
  }

  private async run(spec: KsqlObjectSpec, action: string, statement: string, fix: string): Promise<void> {
    try {
      await this.client.command(statement);
    } catch (e) {
      throw this.wrap(spec, action, e, fix);
    }
  }

  private async guard<T>(spec: KsqlObjectSpec, action: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw this.wrap(spec, action, e);
    }
  }

  /** Any failure as an ApplyError naming the statement; a timeout keeps its own fix (the setting to raise). */
  private wrap(spec: KsqlObjectSpec, action: string, e: unknown, fix = "see ksqlDB's message; the server log has the details"): ApplyError {
    return asApplyError(e, objectOf(spec), action, SERVICE, fix);
  }
}
