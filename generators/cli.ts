#!/usr/bin/env node
/**
 * lab-generate: runs one dataset's generator (`lab-generate <dataset> ...`), or several in one
 * process (`lab-generate run <dataset> ... -- <dataset> ...`), into Kafka, MariaDB, the payments
 * API or stdout.
 */
import { parseGeneratorArgs, type CliOptions } from './cli-args';
import { createGenerator, EXIT, startDatasetRun, worstExit, type DatasetRun, type ExitCode, type Output } from './dataset-run';
import type { DatasetGenerator } from './dataset-module';
import { parseRunArgs, RUN_COMMAND, type ParsedRunArgs } from './run-args';
import { parseDatabaseUrl } from './sinks/database-sink';
import { describeError } from './sinks/sink';

const defaultOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

function parse(argv: readonly string[]): ParsedRunArgs {
  if (argv[0] === RUN_COMMAND) return parseRunArgs(argv.slice(1));
  const parsed = parseGeneratorArgs(argv);
  return parsed.kind === 'help' ? parsed : { kind: 'run', runs: [parsed.options] };
}

/**
 * Starts every dataset, fans the signals out to them, and stops them all once one of them ends
 * with messages not delivered or unconfirmed: a process that keeps the other datasets going would
 * leave that failure to a health check nobody reads.
 */
async function runAll(planned: ReadonlyArray<{ options: CliOptions; generator: DatasetGenerator }>, output: Output): Promise<ExitCode> {
  const shutdownMs = Math.min(...planned.map((p) => p.options.shutdownTimeoutMs));
  let shutdownDeadline: number | undefined;
  // After a signal a close gets what is left of the shutdown time (and a moment at least).
  const closeWithin = (): number | undefined => (shutdownDeadline === undefined ? undefined : Math.max(500, shutdownDeadline - Date.now()));

  const started = await Promise.all(planned.map(({ options, generator }) => startDatasetRun(options, generator, output, closeWithin)));
  const runs = started.filter((run): run is DatasetRun => typeof run !== 'number');
  const failedToStart = started.filter((run): run is ExitCode => typeof run === 'number');
  const inFlight = (): number => runs.reduce((sum, run) => sum + run.stats().inFlight, 0);
  // One dataset's process speaks as that dataset, as it always has.
  const label = runs.length === 1 ? runs[0].label : 'lab-generate';

  let signals = 0;
  const stopAll = (why: string): void => {
    if (shutdownDeadline !== undefined) return;
    output.err(`[${label}] ${why}: finishing ${inFlight()} messages in flight (at most ${shutdownMs} ms), then exiting\n`);
    shutdownDeadline = Date.now() + shutdownMs;
    for (const run of runs) run.stop();
    // A frozen broker answers nothing: the report must still come before the container is killed.
    setTimeout(() => runs.forEach((run) => run.giveUp()), shutdownMs).unref();
  };
  const onStop = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      output.err(`[${label}] ${signal} again: exiting without waiting; ${inFlight()} messages in flight are unconfirmed\n`);
      process.exit(EXIT.undelivered);
    }
    stopAll(signal);
  };
  const onTrigger = (): void => {
    const triggered = runs.filter((run) => run.trigger());
    for (const run of triggered) output.err(`[${run.label}] SIGUSR1: anomaly triggered\n`);
    if (triggered.length === 0) for (const run of runs) output.err(`[${run.label}] SIGUSR1: ${run.options.dataset} has no on-demand anomaly\n`);
  };
  const onStdoutError = (error: NodeJS.ErrnoException): void => {
    // The reader went away (e.g. `| head`): nothing is lost that anyone would read.
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
  };
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
  process.on('SIGUSR1', onTrigger);
  const printing = runs.some((run) => run.options.stdout);
  if (printing) process.stdout.on('error', onStdoutError);

  if (failedToStart.length > 0 && runs.length > 0) stopAll(`${failedToStart.length} of ${started.length} datasets could not start`);
  const codes = await Promise.all(
    runs.map((run) =>
      run.finished.then((code) => {
        if (code !== EXIT.ok && runs.length > 1) stopAll(`${run.options.dataset} stopped with exit code ${code}, stopping the other datasets`);
        return code;
      }),
    ),
  );
  process.off('SIGINT', onStop);
  process.off('SIGTERM', onStop);
  process.off('SIGUSR1', onTrigger);
  if (printing) process.stdout.off('error', onStdoutError);
  return worstExit([...codes, ...failedToStart]);
}

export async function main(argv: readonly string[], output: Output = defaultOutput): Promise<number> {
  let planned: Array<{ options: CliOptions; generator: DatasetGenerator }>;
  try {
    const parsed = parse(argv);
    if (parsed.kind === 'help') {
      output.out(`${parsed.text}\n`);
      return EXIT.ok;
    }
    planned = parsed.runs.map((options) => {
      if (options.dbUrl !== undefined) parseDatabaseUrl(options.dbUrl);
      return { options, generator: createGenerator(options) };
    });
  } catch (error) {
    output.err(`lab-generate: ${describeError(error)}\nRun 'lab-generate --help' for the options.\n`);
    return EXIT.usage;
  }
  return runAll(planned, output);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      // Exit explicitly: kafkajs keeps reconnect timers alive after a failed run. The empty write
      // waits until what is already written to stdout has been handed to the OS.
      process.stdout.write('', () => process.exit(code));
    },
    (error: unknown) => {
      process.stderr.write(`lab-generate: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(EXIT.undelivered);
    },
  );
}
