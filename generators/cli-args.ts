/**
 * Command-line parsing for lab-generate: common options plus each dataset's own flags. Every
 * error names the option, the bad value and what is allowed.
 */
import { deployedTopicName, topicPrefixFromEnv } from '../lib/topic-prefix';
import { parseArgs } from 'node:util';
import type { FlagSpec, FlagValues } from './dataset-module';
import { datasetModule, datasetNames } from './datasets';
import { parseBrokers } from './kafka-config';
import { datasetTopic } from './schema';
import { INSTANT_FORMS, parseInstant } from './start-time';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CliOptions {
  readonly dataset: string;
  /** Messages per second for all workers together; Infinity = unlimited (as fast as the sinks accept). */
  readonly rate: number;
  readonly count?: number;
  readonly workers: number;
  readonly seed?: number;
  /** Simulated event time from this instant (epoch ms) instead of the wall clock. */
  readonly startTime?: number;
  readonly brokers?: string;
  readonly topic: string;
  readonly createTopic: boolean;
  readonly stdout: boolean;
  readonly dbUrl?: string;
  readonly viaApi?: string;
  readonly batchSize: number;
  readonly deliveryTimeoutMs: number;
  /** After SIGINT/SIGTERM, the longest wait for the sends in flight before the report and exit. */
  readonly shutdownTimeoutMs: number;
  readonly progressMs: number;
  readonly healthFile?: string;
  readonly flags: FlagValues;
}

export type ParsedArgs = { readonly kind: 'help'; readonly text: string } | { readonly kind: 'run'; readonly options: CliOptions };

/** A common option without a default to apply: a switch, or a value the parser checks in its own way. */
interface CommonOption {
  readonly name: string;
  /** What the value looks like in the help; a switch has none. */
  readonly value?: string;
  readonly description: string;
}

/** A numeric common option: its range and default, for the parser and the help alike. */
type NumericOption = Exclude<FlagSpec, { readonly kind: 'boolean' }>;

/** The environment variable a database dataset's generator reads its database URL from (--db-url overrides it). */
export const DB_URL_ENV = 'MOODLE_DB_URL';

/** The --rate value that means "unpaced"; a word, because 0 reads as "paused" (and a stack rate of 0 means exactly that). */
export const UNLIMITED_RATE = 'unlimited';
const MAX_RATE = 10_000_000;
/** Messages per second when --rate is not given (and the run is not a sample print). */
const DEFAULT_RATE = 10;
/** Where the producer connects when neither --brokers nor KAFKA_BROKERS says. */
export const DEFAULT_BROKERS = 'localhost:9092';

const NUMERIC_OPTIONS = {
  workers: { name: 'workers', kind: 'integer', default: 1, min: 1, max: 256, description: 'parallel producers (Kafka producers, database connections, HTTP clients); at most --count' },
  batchSize: { name: 'batch-size', kind: 'integer', default: 500, min: 1, max: 100_000, description: 'most messages per send' },
  deliveryTimeoutMs: { name: 'delivery-timeout-ms', kind: 'integer', default: 120_000, min: 1000, description: 'a send not acknowledged within this stops the run; its messages are reported as unconfirmed (they may still be written)' },
  // 8 s: the report must be printed before Docker's stop timeout (10 s for the generator containers) kills the process.
  shutdownTimeoutMs: { name: 'shutdown-timeout-ms', kind: 'integer', default: 8000, min: 100, max: 3_600_000, description: 'after SIGINT/SIGTERM, wait at most this for the sends in flight; those still unanswered are reported as unconfirmed' },
  progressMs: { name: 'progress-ms', kind: 'integer', default: 5000, min: 0, description: 'progress line on stderr every N ms; 0 = none' },
} as const satisfies Record<string, NumericOption>;

const COMMON_OPTIONS: ReadonlyArray<CommonOption | NumericOption> = [
  { name: 'rate', value: `N|${UNLIMITED_RATE}`, description: `messages per second (above 0), all workers together, or ${UNLIMITED_RATE}: as fast as the sinks accept (default ${DEFAULT_RATE}; ${UNLIMITED_RATE} with --stdout --count)` },
  { name: 'count', value: 'N', description: 'stop after N messages (default: run until SIGINT/SIGTERM)' },
  NUMERIC_OPTIONS.workers,
  { name: 'seed', value: 'N', description: 'seed the random values (integer): the same seed gives the same values' },
  { name: 'start-time', value: 'T', description: 'simulated event time from T (ISO 8601 with Z or +hh:mm, an ISO 8601 date, or epoch ms), 1000/rate ms apart; with --seed the output is identical on every run' },
  { name: 'brokers', value: 'LIST', description: `Kafka bootstrap servers host:port[,...] (default $KAFKA_BROKERS or ${DEFAULT_BROKERS})` },
  { name: 'topic', value: 'NAME', description: "topic to produce to (default: the dataset's topic)" },
  { name: 'create-topic', description: "create the topic with the broker's defaults if it does not exist" },
  { name: 'stdout', description: 'print the records as JSON lines to stdout; touch no Kafka and no database' },
  { name: 'db-url', value: 'URL', description: `moodle_logs: mysql://user:password@host:3306/database (default $${DB_URL_ENV}; prefer the env var for the password)` },
  { name: 'via-api', value: 'URL', description: 'payments: POST the payments to the payments API at URL instead of producing them to Kafka' },
  NUMERIC_OPTIONS.batchSize,
  NUMERIC_OPTIONS.deliveryTimeoutMs,
  NUMERIC_OPTIONS.shutdownTimeoutMs,
  NUMERIC_OPTIONS.progressMs,
  { name: 'health-file', value: 'PATH', description: 'touch PATH every few seconds while healthy (for the container health check)' },
  { name: 'help', description: 'show this help (after a dataset name: also its own flags)' },
];

const HEADER = `Usage: lab-generate <dataset> [options]     (npm run generate -- <dataset> [options])
       lab-generate run <dataset> [options] -- <dataset> [options] ...
                                            (several datasets in one process: run --help)

Produces a dataset's records to Kafka (the moodle_logs rows to MariaDB) with an idempotent,
acks=all producer. SIGINT/SIGTERM finish the sends in flight (at most --shutdown-timeout-ms) and
exit; SIGUSR1 triggers the dataset's on-demand anomaly (server_logs burst, bank_transactions
spree). Exit codes: 0 done, 1 messages not delivered (refused: not written) or a runtime error,
2 bad arguments, 3 messages unconfirmed (sent without an answer: they may still be written, so
re-sending them may duplicate them).

Datasets: ${datasetNames().join(', ')}`;

function optionLine(name: string, value: string | undefined, description: string): string {
  return `  --${name}${value ? ` ${value}` : ''}`.padEnd(30) + ` ${description}`;
}

function flagLine(spec: FlagSpec): string {
  if (spec.kind === 'boolean') return optionLine(spec.name, undefined, spec.description);
  const range = spec.max === undefined ? `>= ${spec.min}` : `${spec.min}..${spec.max}`;
  return optionLine(spec.name, 'N', `${spec.description} (${range}, default ${spec.default})`);
}

export function helpText(dataset?: string): string {
  const lines = [
    HEADER,
    '',
    'Options:',
    ...COMMON_OPTIONS.map((option) => ('kind' in option ? flagLine(option) : optionLine(option.name, option.value, option.description))),
  ];
  const datasets = dataset ? [dataset] : datasetNames().filter((name) => datasetModule(name).flags.length > 0);
  for (const name of datasets) {
    const module = datasetModule(name);
    lines.push('', `${name} (${module.schema.description}; topic ${datasetTopic(module.schema)}):`);
    lines.push(...(module.flags.length > 0 ? module.flags.map(flagLine) : ['  (no flags of its own)']));
  }
  return lines.join('\n');
}

function parseNumber(option: string, raw: string, { integer, min, max }: { integer: boolean; min: number; max?: number }): number {
  const value = Number(raw);
  const range = max === undefined ? `>= ${min}` : `between ${min} and ${max}`;
  const kind = integer ? 'an integer' : 'a number';
  if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || (max !== undefined && value > max)) {
    throw new UsageError(`--${option} '${raw}' is not valid: expected ${kind} ${range}`);
  }
  return value;
}

function parseRate(raw: string): number {
  if (raw === UNLIMITED_RATE) return Infinity;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0 || value > MAX_RATE) {
    // 0 used to mean "unlimited": say so, so that an old command line is not a mystery.
    const zero = raw.trim() !== '' && value === 0 ? ` (0 no longer means unlimited: write --rate ${UNLIMITED_RATE})` : '';
    throw new UsageError(`--rate '${raw}' is not valid: expected a number above 0 and at most ${MAX_RATE}, or '${UNLIMITED_RATE}'${zero}`);
  }
  return value;
}

function parseStartTime(raw: string): number {
  const value = parseInstant(raw);
  if (value === undefined) throw new UsageError(`--start-time '${raw}' is not valid: expected ${INSTANT_FORMS}`);
  return value;
}

/** Checked here, not at connect time: kafkajs would retry a bad address until the delivery timeout. */
function checkBrokers(brokers: string | undefined, fromFlag: boolean): void {
  if (brokers === undefined) return;
  try {
    parseBrokers(brokers);
  } catch (error) {
    throw new UsageError(`${fromFlag ? '--brokers' : 'KAFKA_BROKERS'} '${brokers}' is not valid: ${(error as Error).message}`);
  }
}

const isDataset = (name: string): boolean => datasetNames().includes(name);

/**
 * Splits argv into option values with node:util's parser (`--name value`, `--name=value`, `--flag`),
 * then applies this CLI's stricter rules: long options only, each once, a value where one is due.
 */
function tokenize(argv: readonly string[], isBoolean: (name: string) => boolean, known: (name: string) => boolean, allowed: () => string): Map<string, string | true> {
  const names = [...new Set(argv.filter((arg) => arg.startsWith('--')).map((arg) => arg.slice(2).split('=')[0]))].filter(known);
  const options = Object.fromEntries(names.map((name) => [name, { type: isBoolean(name) ? ('boolean' as const) : ('string' as const) }]));
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const values = new Map<string, string | true>();
  for (const token of tokens) {
    if (token.kind !== 'option' || !token.rawName.startsWith('--')) {
      const raw = token.kind === 'positional' ? token.value : argv[token.index];
      throw new UsageError(`unexpected argument '${raw}': the dataset goes first, options start with --`);
    }
    const name = token.name;
    if (!known(name)) throw new UsageError(`unknown option --${name}; allowed: ${allowed()}`);
    if (values.has(name)) throw new UsageError(`--${name} is given twice`);
    if (isBoolean(name)) {
      if (token.value !== undefined) throw new UsageError(`--${name} takes no value`);
      values.set(name, true);
    } else {
      // node:util takes the next argument as the value even when it is the next option.
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
      values.set(name, token.value);
    }
  }
  return values;
}

/** The options of one lab-generate command line, or the help it asks for; throws UsageError naming what is wrong. */
export function parseGeneratorArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): ParsedArgs {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') return { kind: 'help', text: helpText() };
  if (!isDataset(first)) throw new UsageError(`unknown dataset '${first}'; allowed: ${datasetNames().join(', ')}`);
  const module = datasetModule(first);
  const flagSpecs = new Map(module.flags.map((spec) => [spec.name, spec]));
  const common = new Map(COMMON_OPTIONS.map((option) => [option.name, option]));
  const values = tokenize(
    rest.map((arg) => (arg === '-h' ? '--help' : arg)),
    (name) => {
      const option = common.get(name);
      return option ? !('kind' in option) && option.value === undefined : flagSpecs.get(name)?.kind === 'boolean';
    },
    (name) => common.has(name) || flagSpecs.has(name),
    () => [...common.keys(), ...flagSpecs.keys()].map((name) => `--${name}`).join(', '),
  );
  if (values.has('help')) return { kind: 'help', text: helpText(first) };

  const text = (name: string): string | undefined => {
    const value = values.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const number = (spec: NumericOption): number => {
    const raw = text(spec.name);
    return raw === undefined ? spec.default : parseNumber(spec.name, raw, { integer: spec.kind === 'integer', min: spec.min, max: spec.max });
  };

  const stdout = values.has('stdout');
  const sink = module.schema.sink;
  const dbUrl = text('db-url') ?? (sink.kind === 'database' ? env[DB_URL_ENV] : undefined);
  const viaApi = text('via-api');
  if (dbUrl !== undefined && text('db-url') !== undefined && sink.kind !== 'database') {
    throw new UsageError(`--db-url applies only to datasets written to a database (moodle_logs), not to ${first}`);
  }
  if (viaApi !== undefined && first !== 'payments') throw new UsageError(`--via-api applies only to the payments dataset, not to ${first}`);
  if (viaApi !== undefined && !/^https?:\/\/[^/\s]+/.test(viaApi)) throw new UsageError(`--via-api '${viaApi}' is not an http(s) URL, e.g. http://payments-api:8000`);
  if (sink.kind === 'database' && (values.has('topic') || values.has('create-topic'))) {
    throw new UsageError(`${first} writes rows into the database table ${sink.table} (Debezium produces them to ${sink.cdcTopic}); --topic and --create-topic do not apply`);
  }
  if (sink.kind === 'database' && !stdout && dbUrl === undefined) {
    throw new UsageError(`${first} writes rows into MariaDB: set ${DB_URL_ENV}=mysql://user:password@host:3306/moodle (or pass --db-url), or use --stdout`);
  }
  if (stdout && viaApi !== undefined) throw new UsageError('--stdout and --via-api exclude each other: print the payments or send them to the API');
  // The stack's topics carry kafka.topicPrefix; an explicit --topic is taken as it is.
  let prefix: string;
  try {
    prefix = topicPrefixFromEnv(env);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const topic = text('topic') ?? deployedTopicName(prefix, datasetTopic(module.schema));
  const registryTopics = sink.kind === 'kafka' ? Object.values(sink.topicByFormat ?? {}).map((t) => deployedTopicName(prefix, t)) : [];
  if (!stdout && viaApi === undefined && registryTopics.includes(topic)) {
    // ksqlDB reads these topics as JSON_SR/AVRO/PROTOBUF (Confluent wire format with a schema id): plain JSON there would break it.
    throw new UsageError(
      `${first} on topic ${topic} must be in Schema Registry wire format, which the payments API writes: pass --via-api http://<payments-api>:8000, or --topic <another topic> for plain JSON`,
    );
  }

  const brokers = text('brokers') ?? env.KAFKA_BROKERS;
  if (!stdout && viaApi === undefined && sink.kind === 'kafka') checkBrokers(brokers, text('brokers') !== undefined);

  const flags: Record<string, number | boolean> = {};
  for (const spec of module.flags) {
    flags[spec.name] = spec.kind === 'boolean' ? values.has(spec.name) : number(spec);
  }

  const seedRaw = text('seed');
  const countRaw = text('count');
  const count = countRaw === undefined ? undefined : parseNumber('count', countRaw, { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER });
  const rateRaw = text('rate');
  const startRaw = text('start-time');
  return {
    kind: 'run',
    options: {
      dataset: first,
      // Printing a fixed number of samples need not be paced; everything else defaults to 10/s.
      rate: rateRaw === undefined ? (stdout && count !== undefined ? Infinity : DEFAULT_RATE) : parseRate(rateRaw),
      count,
      // A worker beyond the count would have nothing to send: it would only hold a connection open.
      workers: Math.min(number(NUMERIC_OPTIONS.workers), count ?? Infinity),
      seed: seedRaw === undefined ? undefined : parseNumber('seed', seedRaw, { integer: true, min: 0, max: 2 ** 32 - 1 }),
      startTime: startRaw === undefined ? undefined : parseStartTime(startRaw),
      brokers,
      topic,
      createTopic: values.has('create-topic'),
      stdout,
      dbUrl: stdout ? undefined : dbUrl,
      viaApi,
      batchSize: number(NUMERIC_OPTIONS.batchSize),
      deliveryTimeoutMs: number(NUMERIC_OPTIONS.deliveryTimeoutMs),
      shutdownTimeoutMs: number(NUMERIC_OPTIONS.shutdownTimeoutMs),
      progressMs: number(NUMERIC_OPTIONS.progressMs),
      healthFile: text('health-file'),
      flags,
    },
  };
}
