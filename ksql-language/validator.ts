/**
 * Synth-time checks of ksqlDB scripts, before anything is deployed: every reference resolves, the
 * dependency graph has no cycle, no removed syntax, source streams declare exactly their dataset's
 * columns, and every stream reads a topic something in the stack produces. All problems of all
 * scripts are reported together in one KsqlScriptError.
 */
import { levenshtein } from '../lib/edit-distance';
import { KSQL_TYPE, ksqlValueFormat, type DatasetSchema, type ValueFormat } from '../generators/schema';
import type { KsqlStatement, ParsedScript, SessionSetting } from './parser';
import { KsqlScriptError, type ScriptProblem } from './problem';

/** A topic a CREATE ... AS SELECT writes: the stack creates it as a Kafka topic resource. */
export interface CreatedTopic {
  readonly topic: string;
  /** Table topics are compacted, stream topics expire by retention. */
  readonly kind: 'stream' | 'table';
  /** The statement that writes it. */
  readonly object: string;
  readonly file: string;
  readonly line: number;
}

export interface ScriptGraph {
  /** Deployable statements in an order where every statement follows what it depends on. */
  readonly statements: readonly KsqlStatement[];
  readonly byName: ReadonlyMap<string, KsqlStatement>;
  /** For each statement: the statements that must exist before it (sources, INSERT target, producer of the topic it reads). */
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
  readonly createdTopics: readonly CreatedTopic[];
}

export interface ValidationInput {
  readonly scripts: readonly ParsedScript[];
  /** The datasets whose topics the stack produces (those of the enabled pipelines). */
  readonly datasets: readonly DatasetSchema[];
}

interface DatasetTopic {
  readonly dataset: DatasetSchema;
  /** ksqlDB VALUE_FORMAT name (JSON_SR for registry-framed JSON). */
  readonly format: string;
}

/** ksqlDB reserves these prefixes for the ids it generates. */
const RESERVED_QUERY_ID_PREFIXES = ['CSAS_', 'CTAS_', 'INSERTQUERY_', 'CST_', 'TRANSIENT_'];
const OFFSET_RESET_PROPERTIES = new Set(['auto.offset.reset', 'ksql.streams.auto.offset.reset']);

/** Every topic a dataset can be read from, with the value format written to it. */
export function datasetTopics(datasets: readonly DatasetSchema[]): Map<string, DatasetTopic> {
  const topics = new Map<string, DatasetTopic>();
  for (const dataset of datasets) {
    const sink = dataset.sink;
    if (sink.kind === 'database') {
      topics.set(sink.cdcTopic, { dataset, format: ksqlValueFormat(dataset, dataset.formats[0]) });
      continue;
    }
    topics.set(sink.topic, { dataset, format: ksqlValueFormat(dataset, dataset.formats[0]) });
    for (const [format, topic] of Object.entries(sink.topicByFormat ?? {})) {
      if (topic) topics.set(topic, { dataset, format: ksqlValueFormat(dataset, format as ValueFormat) });
    }
  }
  return topics;
}

function stringProperty(s: KsqlStatement, name: string): string | undefined {
  const p = s.properties[name];
  return p === undefined ? undefined : String(p.value);
}

/** The topic a statement reads (plain CREATE) or writes (CREATE ... AS SELECT). */
export function statementTopic(s: KsqlStatement): string | undefined {
  return stringProperty(s, 'KAFKA_TOPIC');
}

class Validator {
  readonly problems: ScriptProblem[] = [];
  private readonly byName = new Map<string, KsqlStatement>();
  private readonly order = new Map<KsqlStatement, number>();
  private readonly topicWriters = new Map<string, KsqlStatement>();
  private readonly dsTopics: Map<string, DatasetTopic>;
  private readonly statements: KsqlStatement[];

  constructor(private readonly input: ValidationInput) {
    this.dsTopics = datasetTopics(input.datasets);
    this.statements = input.scripts.flatMap((s) => s.statements);
    this.statements.forEach((s, i) => this.order.set(s, i));
  }

  private report(at: { file: string; line: number }, problem: string, fix: string): void {
    this.problems.push({ file: at.file, line: at.line, problem, fix });
  }

  run(): ScriptGraph {
    for (const script of this.input.scripts) {
      this.problems.push(...script.problems);
      script.settings.forEach((s) => this.checkSetting(s));
    }
    this.collectNames();
    this.collectTopicWriters();
    const declaredRowkey = this.statements.some((s) => s.columns.some((c) => c.name === 'ROWKEY'));
    for (const s of this.statements) {
      this.problems.push(...s.removedSyntax);
      if (!declaredRowkey) {
        for (const line of s.rowkeyLines) {
          this.report({ file: s.file, line }, 'ROWKEY is no longer an implicit column (removed in ksqlDB 0.10)', 'declare the key column in the column list (<name> <type> KEY / PRIMARY KEY) and refer to it by name');
        }
      }
      this.checkTopicSettings(s);
      if (s.form === 'CREATE') this.checkSourceDeclaration(s);
      else this.checkQuery(s);
    }
    const dependencies = this.dependencies();
    const ordered = this.topologicalOrder(dependencies);
    if (this.problems.length > 0) throw new KsqlScriptError(this.problems);
    return {
      statements: ordered,
      byName: this.byName,
      dependencies,
      createdTopics: this.createdTopics(),
    };
  }

  private checkSetting(s: SessionSetting): void {
    if (OFFSET_RESET_PROPERTIES.has(s.property) && s.value === 'earliest') return;
    this.report(
      s,
      `session setting '${s.property}'${s.value === undefined ? ' (UNSET)' : `='${s.value}'`} is not applied at deploy time`,
      "the deployment runs every statement with auto.offset.reset='earliest' and nothing else; keep only SET 'auto.offset.reset'='earliest'; and move other properties into the statements' WITH clauses",
    );
  }

  private collectNames(): void {
    for (const s of this.statements) {
      if (s.name === '') continue; // an INSERT without QUERY_ID, already reported by the parser
      const prior = this.byName.get(s.name);
      if (prior) {
        this.report(s, `${s.kind} ${s.name} is already defined at ${prior.file}:${prior.line}`, 'ksqlDB has one namespace for all pipelines: rename one of them');
        continue;
      }
      this.byName.set(s.name, s);
    }
  }

  private collectTopicWriters(): void {
    for (const s of this.statements) {
      if (s.form !== 'CREATE_AS_SELECT') continue;
      const topic = statementTopic(s) ?? s.name;
      const prior = this.topicWriters.get(topic);
      if (prior) {
        this.report(s, `${s.name} writes topic '${topic}', which ${prior.name} (${prior.file}:${prior.line}) already writes`, 'give each CREATE ... AS SELECT its own KAFKA_TOPIC (use INSERT INTO to merge queries into one stream)');
        continue;
      }
      if (this.dsTopics.has(topic)) {
        this.report(s, `${s.name} writes topic '${topic}', the topic of dataset ${this.dsTopics.get(topic)!.dataset.name}`, 'write derived data to a topic of its own');
        continue;
      }
      this.topicWriters.set(topic, s);
    }
  }

  private checkTopicSettings(s: KsqlStatement): void {
    for (const prop of ['PARTITIONS', 'REPLICAS']) {
      const p = s.properties[prop];
      if (p) {
        this.report({ file: s.file, line: p.line }, `${s.name} sets ${prop}`, 'remove it: the stack creates every topic as a Kafka resource with partitions and replication from the configuration, and ksqlDB rejects a statement whose count differs from the existing topic');
      }
    }
  }

  /** CREATE STREAM/TABLE (columns) WITH (KAFKA_TOPIC=...): a declaration over an existing topic. */
  private checkSourceDeclaration(s: KsqlStatement): void {
    const topic = statementTopic(s);
    if (!topic) {
      this.report(s, `${s.kind} ${s.name} declares no KAFKA_TOPIC`, "add KAFKA_TOPIC='<topic>' to its WITH clause");
    }
    const valueFormat = stringProperty(s, 'VALUE_FORMAT') ?? stringProperty(s, 'FORMAT');
    if (!valueFormat) {
      this.report(s, `${s.kind} ${s.name} declares no VALUE_FORMAT`, "add VALUE_FORMAT='JSON' (or AVRO / PROTOBUF, as the topic's producer writes it): this stack sets no default format");
    }
    if (s.columns.length === 0) {
      this.report(s, `${s.kind} ${s.name} declares no columns`, 'declare the columns explicitly, even for AVRO/PROTOBUF, so they are checked against the dataset schema at synth');
    }
    const keys = s.columns.filter((c) => c.role === 'KEY' || c.role === 'PRIMARY KEY');
    if (s.kind === 'TABLE') {
      if (keys.length !== 1 || keys[0].role !== 'PRIMARY KEY') {
        this.report(s, `TABLE ${s.name} must declare exactly one PRIMARY KEY column`, 'mark the column read from the message key as <name> <type> PRIMARY KEY');
      }
    } else if (keys.some((k) => k.role === 'PRIMARY KEY')) {
      this.report(s, `STREAM ${s.name} declares a PRIMARY KEY`, 'streams use KEY, tables PRIMARY KEY');
    }
    if (!topic) return;
    const ds = this.dsTopics.get(topic);
    const writer = this.topicWriters.get(topic);
    if (!ds && !writer) {
      const known = [...this.dsTopics.keys(), ...this.topicWriters.keys()].sort().join(', ');
      this.report(
        { file: s.file, line: s.properties.KAFKA_TOPIC.line },
        `${s.kind} ${s.name} reads topic '${topic}', which nothing in the stack produces`,
        `read a dataset topic or a topic a CREATE ... AS SELECT writes (produced here: ${known || 'none'}), or enable the pipeline whose dataset writes it`,
      );
    }
    if (ds) this.checkAgainstDataset(s, ds, valueFormat);
  }

  private checkAgainstDataset(s: KsqlStatement, ds: DatasetTopic, valueFormat: string | undefined): void {
    const { dataset, format } = ds;
    const topic = statementTopic(s)!;
    if (valueFormat && valueFormat.toUpperCase() !== format) {
      this.report(s, `${s.name} reads '${topic}' as ${valueFormat.toUpperCase()}, but dataset ${dataset.name} writes ${format} there`, `set VALUE_FORMAT='${format}'`);
    }
    const timestamp = stringProperty(s, 'TIMESTAMP');
    if (dataset.timestampField && timestamp?.toUpperCase() !== dataset.timestampField.toUpperCase() && (s.kind === 'STREAM' || timestamp)) {
      this.report(
        s,
        `${s.name} takes event time from ${timestamp ? `'${timestamp}'` : 'the Kafka record time (no TIMESTAMP)'}, but dataset ${dataset.name}'s event time is '${dataset.timestampField}'`,
        `set TIMESTAMP='${dataset.timestampField}'`,
      );
    }
    const fields = new Map(dataset.fields.map((f) => [f.name.toUpperCase(), f]));
    const seen = new Set<string>();
    for (const col of s.columns) {
      if (col.role === 'HEADERS' || col.role === 'HEADER') continue;
      if (seen.has(col.name)) {
        this.report({ file: s.file, line: col.line }, `${s.name} declares column ${col.name} twice`, 'remove the duplicate');
        continue;
      }
      seen.add(col.name);
      const field = fields.get(col.name);
      if (!field) {
        this.report(
          { file: s.file, line: col.line },
          `${s.name} declares column ${col.name}, which dataset ${dataset.name} does not have`,
          `declare only the dataset's fields: ${dataset.fields.map((f) => f.name).join(', ')} (generators/datasets/${dataset.name}.schema.ts)`,
        );
        continue;
      }
      const isKey = col.role === 'KEY' || col.role === 'PRIMARY KEY';
      if (isKey) {
        if (dataset.keyField?.toUpperCase() !== col.name) {
          this.report(
            { file: s.file, line: col.line },
            `${s.name} reads column ${col.name} from the message key, but dataset ${dataset.name}'s key is ${dataset.keyField ? `field ${dataset.keyField}` : 'empty'}`,
            dataset.keyField ? `mark ${dataset.keyField.toUpperCase()} as the key column instead` : 'declare it as a value column',
          );
        } else if (col.type !== 'VARCHAR') {
          this.report({ file: s.file, line: col.line }, `${s.name} key column ${col.name} is ${col.type}`, `declare it VARCHAR: the generator writes the message key as the string form of ${dataset.keyField}`);
        }
        continue;
      }
      const expected = KSQL_TYPE[field.type];
      if (col.type !== expected) {
        this.report({ file: s.file, line: col.line }, `${s.name} declares ${col.name} as ${col.type}, but dataset ${dataset.name} field ${field.name} is ${field.type}`, `declare it ${expected}`);
      }
    }
    for (const field of dataset.fields) {
      if (!seen.has(field.name.toUpperCase())) {
        this.report(s, `${s.name} does not declare field ${field.name} of dataset ${dataset.name}`, `add ${field.name.toUpperCase()} ${KSQL_TYPE[field.type]} to its column list`);
      }
    }
  }

  /** CREATE ... AS SELECT and INSERT INTO ... SELECT. */
  private checkQuery(s: KsqlStatement): void {
    if (s.form === 'CREATE_AS_SELECT' && !statementTopic(s)) {
      this.report(s, `${s.kind} ${s.name} does not name its topic`, `add KAFKA_TOPIC='${s.name.toLowerCase()}' to its WITH clause: the stack creates each topic a statement writes as a Kafka resource`);
    }
    if (s.form === 'INSERT_INTO') this.checkInsert(s);
    for (const src of s.sources) {
      const def = this.byName.get(src.name);
      if (!def) {
        this.report({ file: s.file, line: src.line }, `${s.name} reads ${src.name}, which no script defines`, this.suggest(src.name));
        continue;
      }
      this.checkDefinedBefore(s, def, src.line);
      if (def.kind === 'TABLE' && def.windowed) {
        this.report(
          { file: s.file, line: src.line },
          `${s.name} reads the windowed table ${src.name}: ksqlDB does not support persistent queries on windowed tables`,
          `declare a table over ${src.name}'s topic with a non-windowed key (see MOODLE_USER_SESSION_LOG in ksql/moodle.sql) and read that`,
        );
      }
    }
  }

  private checkInsert(s: KsqlStatement): void {
    if (s.name !== '') {
      if (!/^[A-Z0-9_]+$/.test(s.name)) {
        this.report(s, `QUERY_ID '${s.name}' has characters other than letters, digits and '_'`, 'ksqlDB accepts only [A-Za-z0-9_] in query ids');
      }
      const reserved = RESERVED_QUERY_ID_PREFIXES.find((p) => s.name.startsWith(p));
      if (reserved) {
        this.report(s, `QUERY_ID '${s.name}' starts with the reserved prefix ${reserved}`, 'choose an id that does not start with CSAS_, CTAS_, INSERTQUERY_, CST_ or TRANSIENT_');
      }
    }
    const target = this.byName.get(s.target!);
    if (!target) {
      this.report(s, `INSERT INTO ${s.target} writes a stream no script defines`, this.suggest(s.target!));
    } else if (target.kind !== 'STREAM') {
      this.report(s, `INSERT INTO ${s.target} writes a ${target.kind}`, 'INSERT INTO ... SELECT writes only into streams');
    } else {
      this.checkDefinedBefore(s, target, s.line);
    }
  }

  /** RUN SCRIPT executes statements in file order, so a reference must follow its definition. */
  private checkDefinedBefore(s: KsqlStatement, def: KsqlStatement, line: number): void {
    if (def.file === s.file && this.order.get(def)! > this.order.get(s)!) {
      this.report({ file: s.file, line }, `${s.name} refers to ${def.name}, which is defined later (line ${def.line})`, `move ${def.name} above ${s.name}: RUN SCRIPT runs statements in file order`);
    }
  }

  private suggest(name: string): string {
    const close = [...this.byName.keys()].filter((n) => n.includes(name) || name.includes(n) || levenshtein(n, name) <= 2);
    return close.length > 0 ? `did you mean ${close.join(' or ')}?` : 'define it in a script of an enabled pipeline, or fix the name';
  }

  private dependencies(): Map<string, readonly string[]> {
    const deps = new Map<string, readonly string[]>();
    for (const s of this.byName.values()) {
      const names = new Set<string>();
      for (const src of s.sources) if (this.byName.has(src.name)) names.add(src.name);
      if (s.target && this.byName.has(s.target)) names.add(s.target);
      if (s.form === 'CREATE') {
        const writer = this.topicWriters.get(statementTopic(s) ?? '');
        if (writer) names.add(writer.name);
      }
      names.delete(s.name);
      deps.set(s.name, [...names]);
    }
    return deps;
  }

  /** Kahn's algorithm, taking statements in script order whenever several are ready; reports cycles. */
  private topologicalOrder(deps: Map<string, readonly string[]>): KsqlStatement[] {
    const remaining = new Map([...deps].map(([n, d]) => [n, new Set(d)]));
    const ordered: KsqlStatement[] = [];
    const byOrder = [...this.byName.values()].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
    while (remaining.size > 0) {
      const ready = byOrder.find((s) => remaining.get(s.name)?.size === 0);
      if (!ready) {
        this.reportCycle(remaining);
        break;
      }
      ordered.push(ready);
      remaining.delete(ready.name);
      for (const d of remaining.values()) d.delete(ready.name);
    }
    return ordered;
  }

  private reportCycle(remaining: Map<string, Set<string>>): void {
    // Walk dependencies from any stuck statement until one repeats: that loop is the cycle.
    let current = remaining.keys().next().value as string;
    const path: string[] = [];
    while (!path.includes(current)) {
      path.push(current);
      current = [...remaining.get(current)!].find((d) => remaining.has(d))!;
    }
    const cycle = [...path.slice(path.indexOf(current)), current];
    const first = this.byName.get(cycle[0])!;
    this.report(first, `dependency cycle: ${cycle.join(' -> ')}`, 'a statement cannot read, directly or through a topic, what it produces; break the loop');
  }

  private createdTopics(): CreatedTopic[] {
    return [...this.topicWriters.entries()].map(([topic, s]) => ({
      topic,
      kind: s.kind === 'TABLE' ? 'table' : 'stream',
      object: s.name,
      file: s.file,
      line: s.line,
    }));
  }
}

/** Validates scripts together (references may cross scripts); throws KsqlScriptError listing every problem. */
export function validateScripts(input: ValidationInput): ScriptGraph {
  return new Validator(input).run();
}
