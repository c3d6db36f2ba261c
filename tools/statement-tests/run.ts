/**
 * `npm run test:statements [-- <pipeline>...]`: runs the statement tests of ksql/tests/ with
 * ksqlDB's own test runner (io.confluent.ksql.test.tools.KsqlTestingTool, assembled into
 * .cache/ksqldb by scripts/setup-ksqldb.sh; it needs no broker). One runner run (one JVM) per
 * case. Prints each case's result, what failed in the case's terms, and ends with
 * "N passed, N failed"; exits 1 on any failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { KsqlScriptError } from '../../ksql-language/problem';
import type { ScriptGraph } from '../../ksql-language/validator';
import { PIPELINE_NAMES, type PipelineName } from '../../pipelines/catalog';
import { allPipelinesGraph, buildRunnerFiles, CaseDefinitionError, pipelineStatements, type RunnerFiles } from './build';
import type { PipelineCases } from './case';
import { explainFailure, runnerFailure } from './report';

const RUNNER_CLASS = 'io.confluent.ksql.test.tools.KsqlTestingTool';
const KSQLDB_DIR = join(PROJECT_ROOT, '.cache', 'ksqldb');
const CLASSPATH_DIRS = ['jars', 'lib', 'test-lib'] as const;
/** A run takes about 10 s; a loaded CI machine may take several times that, a hung one forever. */
const RUN_TIMEOUT_MS = 300_000;

const HELP = `Usage: npm run test:statements [-- [--keep] [<pipeline>...]]

Runs the statement tests of ksql/tests/<pipeline>.cases.ts with ksqlDB 7.9.9's own test runner
(${RUNNER_CLASS}), which runs the project's statements (ksql/<pipeline>.sql, split and ordered
as the deploy does) over the cases' records without a broker, and compares every row the cases
expect. Needs Java 17 and .cache/ksqldb (bash scripts/setup-ksqldb.sh).

  <pipeline>   only these pipelines (default: all): ${PIPELINE_NAMES.join(', ')}
  --keep       keep the runner's files (statements.sql, input.json, output.json) of every case
               and print where they are
  --help       this text

Ends with "N passed, N failed" and exits 1 when a case failed.`;

interface Options {
  readonly pipelines: readonly PipelineName[];
  readonly keep: boolean;
}

export function parseArgs(argv: readonly string[]): Options | 'help' {
  const pipelines: PipelineName[] = [];
  let keep = false;
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--keep') keep = true;
    else if ((PIPELINE_NAMES as readonly string[]).includes(arg)) pipelines.push(arg as PipelineName);
    else throw new Error(`unknown argument "${arg}": give pipeline names (${PIPELINE_NAMES.join(', ')}), --keep or --help`);
  }
  return { pipelines: pipelines.length > 0 ? pipelines : [...PIPELINE_NAMES], keep };
}

/** The classpath of the test runner, or an error saying how to assemble it. */
export function runnerClasspath(dir: string = KSQLDB_DIR): string {
  const missing = CLASSPATH_DIRS.filter((d) => !existsSync(join(dir, d)) || readdirSync(join(dir, d)).length === 0);
  if (missing.length > 0) {
    throw new Error(
      `ksqlDB's test runner is not assembled: ${missing.map((d) => relative(PROJECT_ROOT, join(dir, d))).join(', ')} missing or empty; run bash scripts/setup-ksqldb.sh (it assembles .cache/ksqldb from ../shared/ksqldb and Maven Central)`,
    );
  }
  return CLASSPATH_DIRS.map((d) => join(dir, d, '*')).join(':');
}

export function casesFile(pipeline: PipelineName): string {
  return join('ksql', 'tests', `${pipeline}.cases.ts`);
}

function loadCases(pipeline: PipelineName): PipelineCases {
  const file = casesFile(pipeline);
  if (!existsSync(join(PROJECT_ROOT, file))) {
    throw new Error(`pipeline ${pipeline} has no statement tests: create ${file} exporting \`cases\` (see ksql/tests/server-logs.cases.ts)`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(join(PROJECT_ROOT, file)) as { cases?: PipelineCases };
  if (!loaded.cases || loaded.cases.pipeline !== pipeline) {
    throw new Error(`${file} must export \`cases\` with pipeline '${pipeline}'`);
  }
  return loaded.cases;
}

interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

function runRunner(classpath: string, dir: string, files: RunnerFiles): RunResult {
  writeFileSync(join(dir, 'statements.sql'), files.statements);
  writeFileSync(join(dir, 'input.json'), JSON.stringify(files.input, null, 2));
  writeFileSync(join(dir, 'output.json'), JSON.stringify(files.output, null, 2));
  const started = Date.now();
  const result = spawnSync(
    'java',
    [
      // A short-lived JVM: the C1 compiler alone and the serial collector spend less CPU starting up.
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Dlog4j.configuration=file:${join(KSQLDB_DIR, 'config', 'log4j-silent.properties')}`,
      `-Djava.io.tmpdir=${dir}`,
      '-cp',
      classpath,
      RUNNER_CLASS,
      '-s',
      join(dir, 'statements.sql'),
      '-i',
      join(dir, 'input.json'),
      '-o',
      join(dir, 'output.json'),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: RUN_TIMEOUT_MS },
  );
  if (result.signal) {
    // Reported as the case's failure: runnerFailure finds neither verdict and shows this line.
    return {
      stdout: '',
      stderr: `${result.stderr ?? ''}\nthe test runner did not finish within ${RUN_TIMEOUT_MS / 1000} s and was stopped (${result.signal})`,
      seconds: (Date.now() - started) / 1000,
    };
  }
  if (result.error) {
    return { stdout: '', stderr: `could not run java: ${result.error.message}`, seconds: (Date.now() - started) / 1000 };
  }
  return { stdout: result.stdout, stderr: result.stderr, seconds: (Date.now() - started) / 1000 };
}

export function main(argv: readonly string[]): number {
  let options: Options | 'help';
  try {
    options = parseArgs(argv);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }
  let classpath: string;
  try {
    classpath = runnerClasspath();
  } catch (e) {
    console.error((e as Error).message);
    return 1;
  }
  if (spawnSync('java', ['-version'], { encoding: 'utf8' }).error) {
    console.error('java is not on PATH: the test runner needs Java 17; run bash scripts/setup-integration.sh (installs OpenJDK 17) or apt-get install openjdk-17-jre-headless');
    return 1;
  }
  let graph: ScriptGraph;
  try {
    graph = allPipelinesGraph();
  } catch (e) {
    console.error(e instanceof KsqlScriptError ? e.message : `the ksqlDB scripts could not be loaded: ${(e as Error).message}`);
    return 1;
  }
  const work = mkdtempSync(join(tmpdir(), 'lab-statement-tests-'));
  let passed = 0;
  let failed = 0;
  const fail = (lines: readonly string[]): void => {
    failed++;
    lines.forEach((l) => console.log(`        ${l}`));
  };
  for (const pipeline of options.pipelines) {
    console.log(`${pipeline} (${casesFile(pipeline)})`);
    let cases: PipelineCases;
    try {
      cases = loadCases(pipeline);
    } catch (e) {
      console.log('  FAIL  (no cases)');
      fail([(e as Error).message]);
      continue;
    }
    const statements = pipelineStatements(graph, pipeline);
    cases.cases.forEach((testCase, i) => {
      const dir = join(work, `${pipeline}-${i + 1}`);
      mkdirSync(dir, { recursive: true });
      let files: RunnerFiles;
      try {
        files = buildRunnerFiles(statements, testCase);
      } catch (e) {
        console.log(`  FAIL  ${testCase.name}`);
        fail(e instanceof CaseDefinitionError ? e.problems : [(e as Error).message]);
        return;
      }
      const run = runRunner(classpath, dir, files);
      const failure = runnerFailure(run.stdout, run.stderr);
      const kept = options.keep ? ` [${dir}]` : '';
      if (failure === undefined) {
        passed++;
        console.log(`  ok    ${testCase.name} (${run.seconds.toFixed(1)} s)${kept}`);
      } else {
        console.log(`  FAIL  ${testCase.name} (${run.seconds.toFixed(1)} s)${kept}`);
        fail(explainFailure(failure, files));
      }
    });
  }
  if (!options.keep) rmSync(work, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
