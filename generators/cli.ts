#!/usr/bin/env node
/** lab-generate: runs one dataset's generator into Kafka, MariaDB, the payments API or stdout. */
import { Kafka } from 'kafkajs';
import { createPool, type Pool } from 'mysql2/promise';
import { DEFAULT_BROKERS, parseGeneratorArgs, UsageError, type CliOptions } from './cli-args';
import { datasetModule } from './datasets';
import type { DatasetGenerator } from './dataset-module';
import { kafkaConfig, parseBrokers } from './kafka-config';
import { createFaker } from './random';
import { SimulatedClock, WallClock } from './runtime/clock';
import { startHealthFile } from './runtime/health';
import { Progress } from './runtime/progress';
import { Runner } from './runtime/runner';
import { RecordSource } from './runtime/source';
import { PaymentsApiSink } from './sinks/api-sink';
import { DatabaseSink, parseDatabaseUrl } from './sinks/database-sink';
import { KafkaSink } from './sinks/kafka-sink';
import { describeError, withTimeout, type Sink } from './sinks/sink';
import { StdoutSink } from './sinks/stdout-sink';
import { ensureTopic } from './sinks/topic';

/** A send stuck longer than this makes the generator unhealthy (the broker or database is unreachable). */
const STUCK_SEND_MS = 15_000;

/** 3: nothing refused, but some messages were sent without an answer and may still be written. */
export const EXIT = { ok: 0, undelivered: 1, usage: 2, unconfirmed: 3 } as const;

interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

interface Destination {
  readonly sinks: Sink[];
  readonly describe: string;
  close(): Promise<void>;
}

async function openDestination(options: CliOptions, label: string): Promise<Destination> {
  const schema = datasetModule(options.dataset).schema;
  if (options.stdout) return { sinks: [new StdoutSink()], describe: 'stdout', close: async () => {} };
  if (options.viaApi !== undefined) {
    const sinks = Array.from({ length: options.workers }, () => new PaymentsApiSink(options.viaApi!, options.deliveryTimeoutMs));
    return { sinks, describe: `payments API ${options.viaApi}`, close: async () => {} };
  }
  if (schema.sink.kind === 'database') {
    const pool: Pool = createPool({ ...parseDatabaseUrl(options.dbUrl!), connectionLimit: options.workers, connectTimeout: 10_000 });
    const sinks = Array.from({ length: options.workers }, () => new DatabaseSink(pool, schema, options.deliveryTimeoutMs));
    return { sinks, describe: `table ${schema.sink.table}`, close: () => pool.end() };
  }
  const kafka = new Kafka(kafkaConfig(label, parseBrokers(options.brokers ?? DEFAULT_BROKERS)));
  await ensureTopic(kafka, options.topic, options.createTopic, options.deliveryTimeoutMs);
  const sinks = Array.from({ length: options.workers }, () => new KafkaSink(kafka, options.topic, options.deliveryTimeoutMs));
  await Promise.all(sinks.map((sink) => sink.open()));
  return {
    sinks,
    describe: `topic ${options.topic}`,
    close: async () => {
      await Promise.all(sinks.map((sink) => sink.close()));
    },
  };
}

function createGenerator(options: CliOptions): DatasetGenerator {
  try {
    return datasetModule(options.dataset).create({ faker: createFaker(options.seed), flags: options.flags });
  } catch (error) {
    throw new UsageError(describeError(error));
  }
}

export async function main(argv: readonly string[], output: Output = defaultOutput): Promise<number> {
  let options: CliOptions;
  let generator: DatasetGenerator;
  try {
    const parsed = parseGeneratorArgs(argv);
    if (parsed.kind === 'help') {
      output.out(`${parsed.text}\n`);
      return EXIT.ok;
    }
    options = parsed.options;
    generator = createGenerator(options);
    if (options.dbUrl !== undefined) parseDatabaseUrl(options.dbUrl);
  } catch (error) {
    output.err(`lab-generate: ${describeError(error)}\nRun 'lab-generate --help' for the options.\n`);
    return EXIT.usage;
  }

  const label = `lab-generate ${options.dataset}`;
  const schema = datasetModule(options.dataset).schema;
  // Unlimited runs space simulated event times 1 ms apart, so that they still increase.
  const clock = options.startTime === undefined ? new WallClock() : new SimulatedClock(options.startTime, Number.isFinite(options.rate) ? 1000 / options.rate : 1);
  const source = new RecordSource(generator, clock, options.count);

  let destination: Destination;
  try {
    destination = await openDestination(options, label);
  } catch (error) {
    output.err(`[${label}] cannot start: ${describeError(error)}\n`);
    return EXIT.undelivered;
  }

  const runner = new Runner({ schema, source, clock, sinks: destination.sinks, rate: options.rate, batchSize: options.batchSize });
  const progress = new Progress(label);
  let signals = 0;
  let shutdownDeadline: number | undefined;
  const onStop = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      output.err(`[${label}] ${signal} again: exiting without waiting; ${runner.stats().inFlight} messages in flight are unconfirmed\n`);
      process.exit(EXIT.undelivered);
    }
    output.err(`[${label}] ${signal}: finishing ${runner.stats().inFlight} messages in flight (at most ${options.shutdownTimeoutMs} ms), then exiting\n`);
    runner.stop();
    shutdownDeadline = Date.now() + options.shutdownTimeoutMs;
    // A frozen broker answers nothing: the report must still come before the container is killed.
    setTimeout(() => runner.giveUp(), options.shutdownTimeoutMs).unref();
  };
  const onTrigger = (): void => {
    if (generator.trigger) {
      generator.trigger();
      output.err(`[${label}] SIGUSR1: anomaly triggered\n`);
    } else {
      output.err(`[${label}] SIGUSR1: ${options.dataset} has no on-demand anomaly\n`);
    }
  };
  const onStdoutError = (error: NodeJS.ErrnoException): void => {
    // The reader went away (e.g. `| head`): nothing is lost that anyone would read.
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
  };
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
  process.on('SIGUSR1', onTrigger);
  if (options.stdout) process.stdout.on('error', onStdoutError);

  const stopHealth = options.healthFile
    ? startHealthFile(options.healthFile, () => {
        const stats = runner.stats();
        return stats.failed === 0 && stats.unconfirmed === 0 && stats.oldestInFlightMs < STUCK_SEND_MS;
      })
    : () => {};
  const progressTimer = options.progressMs > 0 ? setInterval(() => output.err(`${progress.line(runner.stats())}\n`), options.progressMs) : undefined;
  progressTimer?.unref();
  if (!options.stdout) output.err(`[${label}] producing to ${destination.describe} at ${Number.isFinite(options.rate) ? `${options.rate}/s` : 'full speed'} with ${destination.sinks.length} worker(s)\n`);

  const stats = await runner.run();
  clearInterval(progressTimer);
  stopHealth();
  try {
    // After a signal the close gets what is left of the shutdown time (and a moment at least): a
    // frozen broker holds a producer's disconnect as long as it holds its sends.
    const closeMs = shutdownDeadline === undefined ? undefined : Math.max(500, shutdownDeadline - Date.now());
    await (closeMs === undefined ? destination.close() : withTimeout(destination.close(), closeMs, () => new Error(`did not close within the shutdown timeout (${closeMs} ms left)`)));
  } catch (error) {
    output.err(`[${label}] closing ${destination.describe}: ${describeError(error)}\n`);
  }
  process.off('SIGINT', onStop);
  process.off('SIGTERM', onStop);
  process.off('SIGUSR1', onTrigger);
  for (const error of stats.errors) output.err(`[${label}] NOT DELIVERED: ${error}\n`);
  for (const error of stats.unconfirmedErrors) output.err(`[${label}] UNCONFIRMED: ${error}\n`);
  output.err(`${progress.summary(stats)}\n`);
  return stats.failed > 0 ? EXIT.undelivered : stats.unconfirmed > 0 ? EXIT.unconfirmed : EXIT.ok;
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
