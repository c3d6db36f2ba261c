/**
 * Applies and deletes one ksqlDB object (stream, table, or INSERT INTO query) as a RestObject's
 * provisioners require: an apply that leaves a deployed object alone when it is the declared one
 * (deployed-match.ts says how that is decided), replaces it with CREATE OR REPLACE where ksqlDB
 * allows it, and otherwise replaces it together with the declared objects that read it; a delete
 * that terminates the queries writing the object and drops it, its readers first. Failures name
 * the file, the line, the statement and ksqlDB's own message (an ApplyError).
 */
import type { KsqlStatement, ObjectKind, StatementForm } from '../../ksql-language/parser';
import { ApplyError, asApplyError, type AppliedObject } from '../apply-error';
import { fingerprintProperties, queryDifference, sourceDifference } from './deployed-match';
import { KsqlRestClient, KsqlServerError, quoteIdentifier, type QueryDescription, type SourceInfo } from './rest-client';

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
  /**
   * The declared objects that read this one, directly or through others, in creation order (each
   * without dependents of its own). When ksqlDB cannot replace this object in place they are
   * dropped before it, newest first, and created again after it; a delete drops those still there.
   */
  readonly dependents?: readonly KsqlObjectSpec[];
}

/** The spec a statement is deployed with (without dependents); its hash decides when the object is replaced. */
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

/** The statement rewritten as CREATE OR REPLACE (which cannot be combined with IF NOT EXISTS). */
export function asCreateOrReplace(statement: string): string {
  return statement
    .replace(/^(\s*)CREATE\s+(?!OR\s+REPLACE\b)/i, '$1CREATE OR REPLACE ')
    .replace(/^(\s*CREATE\s+OR\s+REPLACE\s+(?:SOURCE\s+)?(?:STREAM|TABLE))\s+IF\s+NOT\s+EXISTS\b/i, '$1');
}


/** A CREATE ... AS SELECT's own query (INSERT INTO queries that write the same sink have declared ids). */
function createQueryOf(name: string, queries: readonly QueryDescription[]): QueryDescription | undefined {
  return queries.find((q) => q.sinks.includes(name) && /^C[ST]AS_/.test(q.id));
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

  /** Drops the object, after its declared dependents that are still deployed (newest first). */
  async delete(spec: KsqlObjectSpec): Promise<DeleteOutcome> {
    await this.ready(spec, 'delete');
    for (const dependent of [...(spec.dependents ?? [])].reverse()) await this.remove(dependent);
    const removed = await this.remove(spec);
    if (!removed) this.log(`${spec.kind} ${spec.name} does not exist; nothing to ${spec.kind === 'INSERT' ? 'terminate' : 'drop'}`);
    return removed ? (spec.kind === 'INSERT' ? 'terminated' : 'dropped') : 'absent';
  }

  private async ready(spec: KsqlObjectSpec, action: string): Promise<void> {
    try {
      await this.client.waitUntilReady();
    } catch (e) {
      throw this.wrap(spec, action, e, 'ksqlDB must be healthy before its objects can be managed; read its log');
    }
  }

  private async findSource(spec: KsqlObjectSpec, name = spec.name): Promise<SourceInfo | undefined> {
    const sources = await this.guard(spec, 'list streams and tables for', () => this.client.listSources());
    return sources.find((s) => s.name === name);
  }

  private queries(spec: KsqlObjectSpec): Promise<QueryDescription[]> {
    return this.guard(spec, 'list queries for', () => this.client.describeQueries());
  }

  private async applySource(spec: KsqlObjectSpec): Promise<ApplyOutcome> {
    const existing = await this.findSource(spec);
    if (!existing) {
      await this.create(spec);
      this.log(`created ${spec.kind} ${spec.name} (${spec.file}:${spec.line})`);
      return 'created';
    }
    const difference = await this.sourceDifference(spec, existing);
    if (difference === undefined) {
      this.log(`${spec.kind} ${spec.name} is up to date (${spec.file}:${spec.line})`);
      return 'unchanged';
    }
    this.log(`${spec.kind} ${spec.name} (${spec.file}:${spec.line}) is not the declared one: ${difference}`);
    if (existing.type === spec.kind) {
      try {
        await this.client.command(asCreateOrReplace(spec.statement), fingerprintProperties(spec.statement));
        await this.confirm(spec);
        this.log(`replaced ${spec.kind} ${spec.name} in place (${spec.file}:${spec.line})`);
        return 'replaced';
      } catch (e) {
        if (!(e instanceof KsqlServerError)) throw this.wrap(spec, 'replace', e);
        // Refused for windowed aggregates, joins, table aggregations ("Upgrades not yet supported
        // for StreamWindowedAggregate") and sinks with several writers ("REPLACE for sink ... is
        // not supported because there are multiple queries writing into it").
        this.log(`ksqlDB cannot replace ${spec.name} in place (${e.serverMessage}); replacing it together with the objects that read it`);
      }
    }
    await this.replaceWithDependents(spec);
    return 'recreated';
  }

  /** Why the deployed object is not the declared one, or undefined when it is. */
  private async sourceDifference(spec: KsqlObjectSpec, existing: SourceInfo): Promise<string | undefined> {
    if (existing.type !== spec.kind) return `it is a ${existing.type ?? 'source of unknown type'}`;
    if (spec.form === 'CREATE') {
      const description = await this.guard(spec, 'describe', () => this.client.describe(spec.name));
      return description.statement === undefined ? 'ksqlDB reports no statement for it' : sourceDifference(spec.statement, description.statement);
    }
    const query = createQueryOf(spec.name, await this.queries(spec));
    return query === undefined ? 'no query writes it (a half-applied deploy, or terminated by hand)' : queryDifference(spec.statement, query);
  }

  /**
   * Drops the object and its deployed dependents, newest first (terminating the queries that
   * write each), then creates the object and those dependents again in creation order. A
   * dependent that was not deployed is left to its own apply: it may read objects not created yet.
   */
  private async replaceWithDependents(spec: KsqlObjectSpec): Promise<void> {
    const chain = [spec, ...(spec.dependents ?? [])];
    const dropped: KsqlObjectSpec[] = [];
    for (const object of [...chain].reverse()) {
      if (await this.remove(object)) dropped.unshift(object);
    }
    for (const object of dropped) {
      await this.create(object);
      this.log(`recreated ${object.kind} ${object.name} (${object.file}:${object.line})`);
    }
  }

  /** Runs the declared statement with its fingerprint and confirms what it made. */
  private async create(spec: KsqlObjectSpec): Promise<void> {
    try {
      await this.client.command(spec.statement, fingerprintProperties(spec.statement));
    } catch (e) {
      throw this.wrap(spec, 'create', e, "correct the statement (ksqlDB's message says what it rejected), then deploy again");
    }
    await this.confirm(spec);
  }

  /** Asked after the command's sequence number: ksqlDB answers only once the command has been executed. */
  private async confirm(spec: KsqlObjectSpec): Promise<void> {
    if (spec.kind === 'INSERT') {
      const after = await this.queries(spec);
      if (!after.some((q) => q.id === spec.name)) {
        throw new ApplyError(objectOf(spec), 'confirm', SERVICE, `query ${spec.name} is not running after INSERT INTO succeeded`, "read the ksqlDB log for the query's failure");
      }
      return;
    }
    const d = await this.guard(spec, 'confirm', () => this.client.describe(spec.name));
    if (d.type !== spec.kind) {
      throw new ApplyError(objectOf(spec), 'confirm', SERVICE, `ksqlDB reports ${spec.name} as a ${d.type}`, 'check the statement creates the declared kind');
    }
  }

  private async applyInsert(spec: KsqlObjectSpec): Promise<ApplyOutcome> {
    const existing = (await this.queries(spec)).find((q) => q.id === spec.name);
    const difference = existing && queryDifference(spec.statement, existing);
    if (existing && difference === undefined) {
      this.log(`query ${spec.name} is up to date (${spec.file}:${spec.line})`);
      return 'unchanged';
    }
    if (existing) {
      this.log(`query ${spec.name} (${spec.file}:${spec.line}) is not the declared one: ${difference}`);
      await this.run(spec, 'terminate', `TERMINATE ${spec.name};`, 'terminate the query by hand in the ksql CLI, then deploy again');
    }
    await this.create(spec);
    this.log(`${existing ? 'restarted' : 'started'} query ${spec.name} (${spec.file}:${spec.line})`);
    return existing ? 'replaced' : 'created';
  }

  /** Terminates an INSERT INTO query, or terminates a source's writers and drops it; false when it was not deployed. */
  private async remove(spec: KsqlObjectSpec): Promise<boolean> {
    if (spec.kind === 'INSERT') {
      if (!(await this.queries(spec)).some((q) => q.id === spec.name)) return false;
      await this.run(spec, 'terminate', `TERMINATE ${spec.name};`, 'terminate the query by hand in the ksql CLI, then try again');
      this.log(`terminated query ${spec.name}`);
      return true;
    }
    const existing = await this.findSource(spec);
    if (!existing) return false;
    await this.dropSource(spec, existing.type === 'TABLE' ? 'TABLE' : 'STREAM');
    this.log(`dropped ${existing.type} ${spec.name}`);
    return true;
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
      'drop the objects that read it first (the deploy drops the declared ones; objects created outside the stack must be dropped in the ksql CLI)',
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
