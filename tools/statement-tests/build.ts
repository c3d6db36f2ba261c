/**
 * Turns a statement test case into the three files of ksqlDB's test runner (KsqlTestingTool):
 * the statements, the input records and the expected output records. The statements are the
 * project's own: the pipeline's script as the deploy splits and orders it (ksql-language/: parser and
 * validator, all pipelines validated together), with the statements of other scripts it reads
 * placed before it, as the deploy places them.
 */
import { DATASET_SCHEMAS } from '../../pipelines/datasets';
import type { KsqlStatement } from '../../ksql-language/parser';
import { validatePipelineScripts } from '../../pipelines/scripts';
import { statementTopic, type ScriptGraph } from '../../ksql-language/validator';
import { type PipelineName, PIPELINES } from '../../pipelines/catalog';
import type { ExpectedRow, Json, StatementCase } from './case';

/** Every pipeline's script, validated together as a deploy with all pipelines on does. */
export function allPipelinesGraph(): ScriptGraph {
  return validatePipelineScripts(Object.values(PIPELINES), DATASET_SCHEMAS);
}

/** The statements a pipeline's objects need, in deploy order: its own and those of other scripts it reads. */
export function pipelineStatements(graph: ScriptGraph, pipeline: PipelineName): KsqlStatement[] {
  return scriptStatements(graph, PIPELINES[pipeline].ksqlFile);
}

/** The statements of one script and everything they depend on in other scripts, in deploy order. */
export function scriptStatements(graph: ScriptGraph, file: string): KsqlStatement[] {
  const needed = new Set<string>();
  const visit = (name: string): void => {
    if (needed.has(name)) return;
    needed.add(name);
    (graph.dependencies.get(name) ?? []).forEach(visit);
  };
  graph.statements.filter((s) => s.file === file).forEach((s) => visit(s.name));
  return graph.statements.filter((s) => needed.has(s.name));
}

/** Where an expected row of the runner's output file came from: the case's object and row. */
export interface RowOrigin {
  readonly object: string;
  readonly statement: KsqlStatement;
  /** Index in the case's rows of that object (0-based). */
  readonly row: number;
  readonly expected: ExpectedRow;
}

/** What the runner is given for one case, and how to read its answer back. */
export interface RunnerFiles {
  /** The statements file (-s): one statement after another, comments removed. */
  readonly statements: string;
  /** The input file (-i): {"inputs": [...]}. */
  readonly input: { readonly inputs: readonly Json[] };
  /** The output file (-o): {"outputs": [...]}. */
  readonly output: { readonly outputs: readonly Json[] };
  /** Per topic, the origin of each expected record in the order the runner compares them. */
  readonly rowsByTopic: ReadonlyMap<string, readonly RowOrigin[]>;
  /** Topic name to the statement that reads or writes it. */
  readonly statementByTopic: ReadonlyMap<string, KsqlStatement>;
  /** The statements in the statements file, in order. */
  readonly ran: readonly KsqlStatement[];
}

export class CaseDefinitionError extends Error {
  constructor(
    readonly caseName: string,
    readonly problems: readonly string[],
  ) {
    super(`case "${caseName}" is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CaseDefinitionError';
  }
}

/**
 * The statements that compute the given objects, in the given (deploy) order: each object, what it
 * reads, transitively, and every INSERT INTO that writes into a stream among them.
 */
export function statementsComputing(statements: readonly KsqlStatement[], objects: readonly string[]): KsqlStatement[] {
  const byName = new Map(statements.map((s) => [s.name, s]));
  const needed = new Set<string>();
  const visit = (name: string): void => {
    const s = byName.get(name);
    if (!s || needed.has(name)) return;
    needed.add(name);
    s.sources.forEach((src) => visit(src.name));
    if (s.target) visit(s.target);
    // A declaration over a topic a query writes (MOODLE_USER_SESSION_LOG) needs that query.
    const topic = statementTopic(s);
    if (s.form === 'CREATE') statements.filter((w) => w.form === 'CREATE_AS_SELECT' && statementTopic(w) === topic).forEach((w) => visit(w.name));
  };
  objects.forEach(visit);
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of statements) {
      if (s.form === 'INSERT_INTO' && !needed.has(s.name) && needed.has(s.target ?? '')) {
        visit(s.name);
        grew = true;
      }
    }
  }
  return statements.filter((s) => needed.has(s.name));
}

/**
 * Builds the runner's files for one case; every problem of the case is reported together. The
 * runner gets only the statements that compute the objects the case expects (see
 * statementsComputing), in deploy order.
 */
export function buildRunnerFiles(pipelineStatements: readonly KsqlStatement[], testCase: StatementCase): RunnerFiles {
  const problems: string[] = [];
  const all = new Map(pipelineStatements.filter((s) => s.kind !== 'INSERT').map((s) => [s.name, s]));
  const known = (form: KsqlStatement['form']): string =>
    [...all.values()].filter((s) => s.form === form).map((s) => s.name).join(', ');
  const expected = Object.keys(testCase.expect);
  for (const object of expected) {
    if (all.get(object)?.form !== 'CREATE_AS_SELECT') {
      problems.push(`it expects rows of ${object}, which no CREATE ... AS SELECT of these statements creates (objects: ${known('CREATE_AS_SELECT')})`);
    }
  }
  const statements = statementsComputing(pipelineStatements, expected);
  const byName = new Map(statements.filter((s) => s.kind !== 'INSERT').map((s) => [s.name, s]));
  const statementByTopic = new Map<string, KsqlStatement>();
  for (const s of byName.values()) statementByTopic.set(statementTopic(s) ?? s.name, s);

  if (testCase.inputs.length === 0) problems.push('it has no inputs: the test runner needs at least one record');
  const inputs: Json[] = [];
  testCase.inputs.forEach((record, i) => {
    const source = all.get(record.into);
    if (!source || source.form !== 'CREATE') {
      problems.push(`input ${i + 1} goes into ${record.into}, which is no source stream or table of these statements (sources: ${known('CREATE')})`);
      return;
    }
    if (!byName.has(record.into)) {
      problems.push(`input ${i + 1} goes into ${record.into}, which none of the expected objects (${expected.join(', ')}) reads`);
      return;
    }
    inputs.push({
      topic: statementTopic(source) ?? source.name,
      ...(record.key === undefined ? {} : { key: record.key }),
      value: record.value,
      ...(record.timestamp === undefined ? {} : { timestamp: record.timestamp }),
    });
  });

  const outputs: Json[] = [];
  const rowsByTopic = new Map<string, RowOrigin[]>();
  for (const [object, rows] of Object.entries(testCase.expect)) {
    const statement = byName.get(object);
    if (!statement || statement.form !== 'CREATE_AS_SELECT') continue;
    const topic = statementTopic(statement) ?? statement.name;
    const reader = statements.find((s) => s.form === 'CREATE' && statementTopic(s) === topic);
    if (reader) {
      // The runner decodes a topic with the key format of any one of the objects on it, chosen at random.
      problems.push(`it expects rows of ${object}, whose topic '${topic}' ${reader.name} also declares (with its own key format), so the runner would decode the rows either way at random; expect ${object}'s rows in a case that expects nothing reading ${reader.name}`);
      continue;
    }
    if (rows.length === 0) {
      problems.push(`it expects no rows of ${object}: the test runner compares only topics with expected rows, so an empty expectation would prove nothing; add a record that makes a row next to the one that must not`);
      continue;
    }
    rowsByTopic.set(
      topic,
      rows.map((expected, row) => ({ object, statement, row, expected })),
    );
    for (const row of rows) {
      outputs.push({
        topic,
        ...(row.key === undefined ? {} : { key: row.key }),
        value: row.value,
        ...(row.timestamp === undefined ? {} : { timestamp: row.timestamp }),
        ...(row.window === undefined ? {} : { window: { ...row.window } }),
      });
    }
  }
  if (problems.length > 0) throw new CaseDefinitionError(testCase.name, problems);
  return {
    statements: statements.map((s) => s.statement).join('\n\n') + '\n',
    input: { inputs },
    output: { outputs },
    rowsByTopic,
    statementByTopic,
    ran: statements,
  };
}
