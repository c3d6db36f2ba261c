/**
 * The TypeScript half of the statement tests, without Java: which statements a case runs, the
 * runner's files built from a case, the refusals of cases the runner could not check, and every
 * pipeline's case file building cleanly against the real scripts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_SCHEMAS } from '../../pipelines/datasets';
import { PROJECT_ROOT } from '../../lib/project-root';
import { parseScript } from '../../ksql-language/parser';
import { validateScripts } from '../../ksql-language/validator';
import { PIPELINE_NAMES } from '../../pipelines/catalog';
import {
  allPipelinesGraph,
  buildRunnerFiles,
  CaseDefinitionError,
  pipelineStatements,
  scriptStatements,
  statementsComputing,
} from '../../tools/statement-tests/build';
import { double, type PipelineCases, type StatementCase } from '../../tools/statement-tests/case';
import { casesFile } from '../../tools/statement-tests/run';

const LOGS = `CREATE STREAM SERVER_LOGS (HOST VARCHAR KEY, TS BIGINT, SERVICE VARCHAR, METHOD VARCHAR, PATH VARCHAR,
  STATUS INTEGER, LATENCY_MS INTEGER, MESSAGE VARCHAR) WITH (KAFKA_TOPIC='server_logs', VALUE_FORMAT='JSON', TIMESTAMP='ts');
CREATE STREAM ERRORS WITH (KAFKA_TOPIC='errors', VALUE_FORMAT='JSON') AS SELECT * FROM SERVER_LOGS WHERE STATUS >= 500 EMIT CHANGES;
CREATE STREAM SLOW WITH (KAFKA_TOPIC='slow', VALUE_FORMAT='JSON') AS SELECT * FROM SERVER_LOGS WHERE LATENCY_MS > 1000 EMIT CHANGES;
CREATE STREAM ALL_ISSUES WITH (KAFKA_TOPIC='all_issues', VALUE_FORMAT='JSON') AS SELECT * FROM ERRORS EMIT CHANGES;
INSERT INTO ALL_ISSUES WITH (QUERY_ID='ALL_ISSUES_FROM_SLOW') SELECT * FROM SLOW EMIT CHANGES;
CREATE TABLE ERRORS_PER_HOST WITH (KAFKA_TOPIC='errors_per_host', VALUE_FORMAT='JSON') AS
  SELECT HOST, COUNT(*) AS ERRORS FROM ERRORS WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY HOST EMIT CHANGES;
CREATE TABLE ERRORS_PER_HOST_LOG (K BYTES PRIMARY KEY, ERRORS BIGINT) WITH (KAFKA_TOPIC='errors_per_host', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');
CREATE TABLE HOSTS_WITH_ERRORS WITH (KAFKA_TOPIC='hosts_with_errors', VALUE_FORMAT='JSON') AS
  SELECT ERRORS, COUNT(*) AS WINDOWS FROM ERRORS_PER_HOST_LOG GROUP BY ERRORS EMIT CHANGES;
`;
const READER = `CREATE STREAM BIG_ERRORS WITH (KAFKA_TOPIC='big_errors', VALUE_FORMAT='JSON') AS SELECT * FROM ERRORS WHERE LATENCY_MS > 10 EMIT CHANGES;
`;

const graph = validateScripts({
  scripts: [parseScript('ksql/a.sql', LOGS), parseScript('ksql/b.sql', READER)],
  datasets: [DATASET_SCHEMAS.server_logs],
});
const names = (statements: readonly { name: string }[]): string[] => statements.map((s) => s.name);

const ERROR_CASE: StatementCase = {
  name: 'errors',
  inputs: [
    { into: 'SERVER_LOGS', key: 'h1', value: { status: 500, latency_ms: 5 }, timestamp: 7 },
    { into: 'SERVER_LOGS', value: { status: 200 } },
  ],
  expect: {
    ERRORS: [{ key: 'h1', value: { STATUS: 500, LATENCY_MS: 5 } }],
    ERRORS_PER_HOST: [{ key: 'h1', window: { type: 'TIME', start: 0, end: 60_000 }, value: { ERRORS: 1 }, timestamp: 7 }],
  },
};

describe('the statements of a case', () => {
  it("are a script's own and those of other scripts it reads, in deploy order", () => {
    expect(names(scriptStatements(graph, 'ksql/b.sql'))).toEqual(['SERVER_LOGS', 'ERRORS', 'BIG_ERRORS']);
  });

  it('are only those computing the expected objects, with every INSERT INTO feeding them', () => {
    const all = scriptStatements(graph, 'ksql/a.sql');
    expect(names(statementsComputing(all, ['ERRORS']))).toEqual(['SERVER_LOGS', 'ERRORS']);
    expect(names(statementsComputing(all, ['ALL_ISSUES']))).toEqual(['SERVER_LOGS', 'ERRORS', 'SLOW', 'ALL_ISSUES', 'ALL_ISSUES_FROM_SLOW']);
    // A declaration over a query's topic brings the query along.
    expect(names(statementsComputing(all, ['HOSTS_WITH_ERRORS']))).toEqual(['SERVER_LOGS', 'ERRORS', 'ERRORS_PER_HOST', 'ERRORS_PER_HOST_LOG', 'HOSTS_WITH_ERRORS']);
  });
});

describe('the runner files of a case', () => {
  const files = buildRunnerFiles(scriptStatements(graph, 'ksql/a.sql'), ERROR_CASE);

  it('hold the statements as the deploy sends them, one after another', () => {
    expect(files.statements).toBe(`${graph.byName.get('SERVER_LOGS')!.statement}\n\n${graph.byName.get('ERRORS')!.statement}\n\n${graph.byName.get('ERRORS_PER_HOST')!.statement}\n`);
  });

  it("write the inputs to their streams' topics, with key and timestamp when given", () => {
    expect(files.input).toEqual({
      inputs: [
        { topic: 'server_logs', key: 'h1', value: { status: 500, latency_ms: 5 }, timestamp: 7 },
        { topic: 'server_logs', value: { status: 200 } },
      ],
    });
  });

  it("expect the rows on their objects' topics, and know which row each one is", () => {
    expect(files.output).toEqual({
      outputs: [
        { topic: 'errors', key: 'h1', value: { STATUS: 500, LATENCY_MS: 5 } },
        { topic: 'errors_per_host', key: 'h1', value: { ERRORS: 1 }, timestamp: 7, window: { type: 'TIME', start: 0, end: 60_000 } },
      ],
    });
    expect(files.rowsByTopic.get('errors_per_host')).toEqual([
      { object: 'ERRORS_PER_HOST', statement: graph.byName.get('ERRORS_PER_HOST'), row: 0, expected: ERROR_CASE.expect.ERRORS_PER_HOST[0] },
    ]);
  });
});

describe('a case the runner could not check', () => {
  const all = scriptStatements(graph, 'ksql/a.sql');
  const problems = (c: Partial<StatementCase>): readonly string[] => {
    try {
      buildRunnerFiles(all, { ...ERROR_CASE, ...c });
    } catch (e) {
      expect(e).toBeInstanceOf(CaseDefinitionError);
      return (e as CaseDefinitionError).problems;
    }
    throw new Error('the case was accepted');
  };

  it('is refused when it expects no rows of an object (the runner skips topics without expected rows)', () => {
    expect(problems({ expect: { ERRORS: [] } })).toEqual([expect.stringMatching(/expects no rows of ERRORS: .*add a record that makes a row/)]);
  });

  it('is refused when it names objects or sources the statements do not have, or has no inputs', () => {
    expect(problems({ inputs: [], expect: { SERVER_LOGS: [{ value: 1 }], NOPE: [{ value: 1 }] } })).toEqual([
      expect.stringContaining('expects rows of SERVER_LOGS, which no CREATE ... AS SELECT'),
      expect.stringContaining('expects rows of NOPE, which no CREATE ... AS SELECT'),
      expect.stringContaining('it has no inputs'),
    ]);
    expect(problems({ inputs: [{ into: 'ERRORS', value: {} }] })).toEqual([
      'input 1 goes into ERRORS, which is no source stream or table of these statements (sources: SERVER_LOGS, ERRORS_PER_HOST_LOG)',
    ]);
  });

  it('is refused when an input feeds none of the expected objects', () => {
    const c: StatementCase = { name: 'x', inputs: [{ into: 'ERRORS_PER_HOST_LOG', value: { ERRORS: 1 } }, ...ERROR_CASE.inputs], expect: { ERRORS: ERROR_CASE.expect.ERRORS } };
    expect(() => buildRunnerFiles(all, c)).toThrow(/input 1 goes into ERRORS_PER_HOST_LOG, which none of the expected objects \(ERRORS\) reads/);
  });

  it("is refused when it expects rows of a topic another statement declares with its own key format", () => {
    expect(problems({ expect: { ERRORS_PER_HOST: ERROR_CASE.expect.ERRORS_PER_HOST, HOSTS_WITH_ERRORS: [{ value: 1 }] } })).toEqual([
      expect.stringMatching(/rows of ERRORS_PER_HOST, whose topic 'errors_per_host' ERRORS_PER_HOST_LOG also declares/),
    ]);
  });
});

describe("every pipeline's statement tests", () => {
  const real = allPipelinesGraph();

  it.each(PIPELINE_NAMES.map((p) => [p]))('%s: its case file exists and each case builds against the real scripts', (pipeline) => {
    const file = casesFile(pipeline);
    expect(existsSync(join(PROJECT_ROOT, file))).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { cases } = require(join(PROJECT_ROOT, file)) as { cases: PipelineCases };
    expect(cases.pipeline).toBe(pipeline);
    expect(cases.cases.length).toBeGreaterThan(0);
    for (const c of cases.cases) expect(() => buildRunnerFiles(pipelineStatements(real, pipeline), c)).not.toThrow();
  });
});

describe('double()', () => {
  it.each([
    [10, '10.0'],
    [0.70001, '0.70001'],
    [-2.5, '-2.5'],
    [0, '0.0'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [9_999_999.5, '9999999.5'],
    [10_000_000, '1.0E7'],
    [12_345_678.9, '1.23456789E7'],
  ])('writes %p as Java does: %p', (x, text) => {
    expect(double(x)).toBe(text);
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => double(Number.NaN)).toThrow(/non-finite/);
  });
});
