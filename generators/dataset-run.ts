/**
 * One dataset's run inside lab-generate: its destination (Kafka, MariaDB, the payments API or
 * stdout), its runner, health file and progress lines, all labelled with the dataset's name so
 * that a process running several datasets still says which one wrote a line.
 */
import { Kafka } from 'kafkajs';
import { createPool, type Pool } from 'mysql2/promise';
import { DEFAULT_BROKERS, UsageError, type CliOptions } from './cli-args';
import { datasetModule } from './datasets';
import type { DatasetGenerator } from './dataset-module';
import { kafkaConfig, parseBrokers } from './kafka-config';
import { createFaker } from './random';
import { SimulatedClock, WallClock } from './runtime/clock';
import { startHealthFile } from './runtime/health';
import { Progress } from './runtime/progress';
import { Runner, type RunStats } from './runtime/runner';
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
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

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

/** The dataset's generator with its flags; a flag the generator refuses is a usage error. */
export function createGenerator(options: CliOptions): DatasetGenerator {
  try {
    return datasetModule(options.dataset).create({ faker: createFaker(options.seed), flags: options.flags });
  } catch (error) {
    throw new UsageError(describeError(error));
  }
}

/** A dataset being produced; `finished` gives its exit code once its report is printed. */
export interface DatasetRun {
  readonly label: string;
  readonly options: CliOptions;
  stats(): RunStats;
  /** Take no new records; the sends in flight still complete. */
  stop(): void;
  /** End now: the sends in flight count as unconfirmed. */
  giveUp(): void;
  /** The dataset's on-demand anomaly (a burst); false when it has none. */
  trigger(): boolean;
  readonly finished: Promise<ExitCode>;
}

/**
 * Opens the dataset's destination and starts producing. `closeWithin` gives the milliseconds the
 * close may take at the end (what is left of the shutdown time after a signal), or undefined to
 * wait as long as the close takes. Resolves with the exit code instead when the destination
 * cannot be opened (the reason is printed).
 */
export async function startDatasetRun(options: CliOptions, generator: DatasetGenerator, output: Output, closeWithin: () => number | undefined): Promise<DatasetRun | ExitCode> {
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
  const stopHealth = options.healthFile
    ? startHealthFile(options.healthFile, () => {
        const stats = runner.stats();
        return stats.failed === 0 && stats.unconfirmed === 0 && stats.oldestInFlightMs < STUCK_SEND_MS;
      })
    : () => {};
  const progressTimer = options.progressMs > 0 ? setInterval(() => output.err(`${progress.line(runner.stats())}\n`), options.progressMs) : undefined;
  progressTimer?.unref();
  if (!options.stdout) output.err(`[${label}] producing to ${destination.describe} at ${Number.isFinite(options.rate) ? `${options.rate}/s` : 'full speed'} with ${destination.sinks.length} worker(s)\n`);

  const finished = (async (): Promise<ExitCode> => {
    const stats = await runner.run();
    clearInterval(progressTimer);
    stopHealth();
    try {
      // A frozen broker holds a producer's disconnect as long as it holds its sends.
      const closeMs = closeWithin();
      await (closeMs === undefined ? destination.close() : withTimeout(destination.close(), closeMs, () => new Error(`did not close within the shutdown timeout (${closeMs} ms left)`)));
    } catch (error) {
      output.err(`[${label}] closing ${destination.describe}: ${describeError(error)}\n`);
    }
    for (const error of stats.errors) output.err(`[${label}] NOT DELIVERED: ${error}\n`);
    for (const error of stats.unconfirmedErrors) output.err(`[${label}] UNCONFIRMED: ${error}\n`);
    output.err(`${progress.summary(stats)}\n`);
    return stats.failed > 0 ? EXIT.undelivered : stats.unconfirmed > 0 ? EXIT.unconfirmed : EXIT.ok;
  })();

  return {
    label,
    options,
    stats: () => runner.stats(),
    stop: () => runner.stop(),
    giveUp: () => runner.giveUp(),
    trigger: () => {
      if (!generator.trigger) return false;
      generator.trigger();
      return true;
    },
    finished,
  };
}

/** The exit code of several runs: any not delivered beats any unconfirmed beats done. */
export function worstExit(codes: readonly ExitCode[]): ExitCode {
  if (codes.includes(EXIT.undelivered)) return EXIT.undelivered;
  if (codes.includes(EXIT.usage)) return EXIT.usage;
  return codes.includes(EXIT.unconfirmed) ? EXIT.unconfirmed : EXIT.ok;
}
