/**
 * Reading the test runner's answer: its two kinds of row differences (a row that differs, a
 * count that differs) told in the case's terms, anything else passed on with the statement it
 * names; and the command line's refusals (no assembled runner, an unknown argument).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATASET_SCHEMAS } from '../../pipelines/datasets';
import { parseScript } from '../../ksql-language/parser';
import { validateScripts } from '../../ksql-language/validator';
import { buildRunnerFiles, scriptStatements } from '../../tools/statement-tests/build';
import type { StatementCase } from '../../tools/statement-tests/case';
import { explainFailure, formatRow, runnerFailure } from '../../tools/statement-tests/report';
import { parseArgs, runnerClasspath } from '../../tools/statement-tests/run';

const SCRIPT = `CREATE STREAM SERVER_LOGS (HOST VARCHAR KEY, TS BIGINT, SERVICE VARCHAR, METHOD VARCHAR, PATH VARCHAR,
  STATUS INTEGER, LATENCY_MS INTEGER, MESSAGE VARCHAR) WITH (KAFKA_TOPIC='server_logs', VALUE_FORMAT='JSON', TIMESTAMP='ts');

CREATE TABLE ERRORS_PER_HOST WITH (KAFKA_TOPIC='errors_per_host', VALUE_FORMAT='JSON') AS
  SELECT HOST, COUNT(*) AS ERRORS FROM SERVER_LOGS WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY HOST EMIT CHANGES;
`;
const graph = validateScripts({ scripts: [parseScript('ksql/x.sql', SCRIPT)], datasets: [DATASET_SCHEMAS.server_logs] });
const CASE: StatementCase = {
  name: 'errors',
  inputs: [{ into: 'SERVER_LOGS', key: 'h1', value: { status: 500 } }],
  expect: {
    ERRORS_PER_HOST: [
      { key: 'h1', window: { type: 'TIME', start: 0, end: 60_000 }, value: { ERRORS: 1 } },
      { key: 'h1', window: { type: 'TIME', start: 0, end: 60_000 }, value: { ERRORS: 2 } },
    ],
  },
};
const files = buildRunnerFiles(scriptStatements(graph, 'ksql/x.sql'), CASE);

describe("the runner's verdict", () => {
  it('is a pass only when the runner says so', () => {
    expect(runnerFailure('\t >>> Test passed!\n', '')).toBeUndefined();
    expect(runnerFailure('', '\t>>>>> Test failed: Topic x. Expected <1> records but it was <0>\n')).toBe('Topic x. Expected <1> records but it was <0>');
  });

  it('is a failure with the last output when the runner said neither', () => {
    expect(runnerFailure('', 'Exception in thread "main" java.lang.NoClassDefFoundError: X\n')).toMatch(/printed neither.*\n.*NoClassDefFoundError/);
  });
});

describe('a failure told in the case terms', () => {
  it('names the object, its statement and the expected row that differs, with what ksqlDB wrote', () => {
    const message =
      "Topic 'errors_per_host', message 1: Expected <\"h1\", {\"ERRORS\":2}> with timestamp=0 and headers=[] but was <[h1@0/60000], {ERRORS=3}> with timestamp=5 and headers=[]";
    expect(explainFailure(message, files)).toEqual([
      'ERRORS_PER_HOST (ksql/x.sql:4): expected row 2 of 2 differs',
      '  expected: key "h1", window TIME 1970-01-01T00:00:00.000Z .. 1970-01-01T00:01:00.000Z, value {"ERRORS":2}',
      '  ksqlDB wrote: <[h1@0/60000], {ERRORS=3}> with timestamp=5 and headers=[]',
    ]);
  });

  it('lists the expected and the written rows when their numbers differ', () => {
    const message = 'Topic errors_per_host. Expected <2> records but it was <1>\nActual records: \n<[h1@0/60000], {ERRORS=1}> with timestamp=5 and headers=[]';
    expect(explainFailure(message, files)).toEqual([
      'ERRORS_PER_HOST (ksql/x.sql:4): expected 2 rows, ksqlDB wrote 1',
      `  expected row 1: ${formatRow(CASE.expect.ERRORS_PER_HOST[0])}`,
      `  expected row 2: ${formatRow(CASE.expect.ERRORS_PER_HOST[1])}`,
      '  ksqlDB row 1: <[h1@0/60000], {ERRORS=1}> with timestamp=5 and headers=[]',
    ]);
  });

  it('passes any other message on, naming the statement it mentions', () => {
    expect(explainFailure("Failed to deserialize value from topic 'server_logs': bad", files)).toEqual([
      'while running STREAM SERVER_LOGS (ksql/x.sql:1):',
      "  Failed to deserialize value from topic 'server_logs': bad",
    ]);
  });

  it('finds the statement a setup error quotes a word of, else lists the statements run', () => {
    expect(explainFailure("Could not determine output schema for query due to error: Can't find any functions with the name 'COUNT'", files)).toEqual([
      'while running TABLE ERRORS_PER_HOST (ksql/x.sql:4):',
      "  Could not determine output schema for query due to error: Can't find any functions with the name 'COUNT'",
    ]);
    expect(explainFailure('NullPointerException', files)).toEqual([
      'while running one of: SERVER_LOGS (ksql/x.sql:1), ERRORS_PER_HOST (ksql/x.sql:4):',
      '  NullPointerException',
    ]);
  });

  it('writes a row without key or window as such', () => {
    expect(formatRow({ value: null, timestamp: 3 })).toBe('no key, value null, timestamp 3');
  });
});

describe('npm run test:statements', () => {
  it('takes pipeline names, --keep and --help, and refuses anything else', () => {
    expect(parseArgs([])).toEqual({ pipelines: expect.arrayContaining(['server-logs', 'payments']), keep: false });
    expect(parseArgs(['shop', '--keep'])).toEqual({ pipelines: ['shop'], keep: true });
    expect(parseArgs(['--help'])).toBe('help');
    expect(() => parseArgs(['shopp'])).toThrow(/unknown argument "shopp": give pipeline names \(server-logs, .*shop, payments\)/);
  });

  it('fails clearly when the runner is not assembled, and builds its classpath when it is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'statement-tests-'));
    try {
      expect(() => runnerClasspath(dir)).toThrow(/jars, .*lib, .*test-lib missing or empty; run bash scripts\/setup-ksqldb.sh/);
      for (const d of ['jars', 'lib', 'test-lib']) {
        mkdirSync(join(dir, d));
        writeFileSync(join(dir, d, 'x.jar'), '');
      }
      expect(runnerClasspath(dir)).toBe(['jars', 'lib', 'test-lib'].map((d) => join(dir, d, '*')).join(':'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
