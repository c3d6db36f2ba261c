/**
 * `npm run bench:generator`: throughput of the generator's Kafka producer (acks=all, idempotent)
 * against a real local broker (KRaft, 127.0.0.1), side by side with Kafka's own
 * org.apache.kafka.tools.ProducerPerformance on the same broker, record size (1024 bytes) and acks.
 *
 * The generator runs in this process through the same modules as the CLI (kafkaConfig, KafkaSink,
 * Runner, RecordSource, WallClock): only the records differ. The clickstream generator makes values
 * of about 250 bytes and has no padding option, so a bench-only factory wraps it and adds a
 * `padding` field that brings every JSON value to exactly 1024 bytes (clickstream-like records).
 * Throughput is of acknowledged sends (nothing is consumed); after each run the topic's end offset
 * is compared with the acknowledged count. Prints figures; asserts nothing.
 *
 * Settings (environment): BENCH_RECORDS (default 200000 per run), BENCH_GENERATOR_CONFIGS
 * (workers x batch size runs, default "1x500,2x500,4x500,4x250"; the first is the CLI default).
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import type { DatasetGenerator, DatasetRecord, GeneratorStep } from '../generators/dataset-module';
import { defaultFlags } from '../generators/dataset-module';
import { clickstreamModule } from '../generators/datasets/clickstream';
import { kafkaConfig } from '../generators/kafka-config';
import { createFaker } from '../generators/random';
import { WallClock } from '../generators/runtime/clock';
import { toMessage } from '../generators/runtime/message';
import { Runner } from '../generators/runtime/runner';
import { RecordSource } from '../generators/runtime/source';
import { KafkaSink } from '../generators/sinks/kafka-sink';
import { startKafka, type LocalKafka } from '../integration/support/kafka';
import { runProducerPerformance } from '../integration/support/producer-performance';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const RECORD_SIZE = 1024;
const MB = 1024 * 1024;
/** The CLI's --delivery-timeout-ms, --workers and --batch-size defaults. */
const DELIVERY_TIMEOUT_MS = 120_000;
const CLI_DEFAULTS = { workers: 1, batchSize: 500 } as const;
const isCliDefault = (config: GeneratorConfig): boolean => config.workers === CLI_DEFAULTS.workers && config.batchSize === CLI_DEFAULTS.batchSize;

interface GeneratorConfig {
  readonly workers: number;
  readonly batchSize: number;
}

function parseConfigs(text: string): GeneratorConfig[] {
  return text.split(',').map((item) => {
    const match = /^\s*(\d+)x(\d+)\s*$/.exec(item);
    if (!match) throw new Error(`BENCH_GENERATOR_CONFIGS item '${item}' is not <workers>x<batch size>, e.g. 4x500`);
    return { workers: Number(match[1]), batchSize: Number(match[2]) };
  });
}

const CONFIGS = parseConfigs(process.env.BENCH_GENERATOR_CONFIGS ?? '1x500,2x500,4x500,4x250');

/**
 * Clickstream records with a `padding` field sized so that JSON.stringify(record) is exactly
 * `size` bytes (every character is ASCII). Bench-only: the clickstream schema has no such field.
 */
export function paddedClickstream(seed: number, size: number): DatasetGenerator {
  const faker = createFaker(seed);
  const inner = clickstreamModule.create({ faker, flags: defaultFlags(clickstreamModule.flags) });
  const filler = faker.string.alphanumeric(size);
  const pad = (record: DatasetRecord): DatasetRecord => {
    const bare = JSON.stringify({ ...record, padding: '' }).length;
    if (bare > size) throw new Error(`a clickstream record is ${bare} bytes, more than the ${size} bytes to pad to`);
    return { ...record, padding: filler.slice(0, size - bare) };
  };
  return {
    next(now: number): GeneratorStep {
      const step = inner.next(now);
      return step.kind === 'records' ? { kind: 'records', records: step.records.map(pad) } : step;
    },
  };
}

interface Figures {
  readonly label: string;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  readonly note: string;
}

async function createTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function endOffset(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Generation and serialisation alone (no sink): the ceiling the producer cannot pass in one process. */
function generationRate(count: number): number {
  const clock = new WallClock();
  const source = new RecordSource(paddedClickstream(1, RECORD_SIZE), clock, count);
  const started = process.hrtime.bigint();
  let bytes = 0;
  while (!source.exhausted) {
    for (const record of source.take(500).records) bytes += toMessage(clickstreamModule.schema, record, clock.now()).value.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (bytes !== count * RECORD_SIZE) throw new Error(`padded records total ${bytes} bytes, expected ${count * RECORD_SIZE}`);
  return count / seconds;
}

async function runGenerator(broker: LocalKafka, config: GeneratorConfig, index: number): Promise<Figures> {
  const topic = `bench-generator-${index}-w${config.workers}-b${config.batchSize}`;
  const kafka = new Kafka(kafkaConfig(`bench-generator-${index}`, [broker.bootstrap]));
  await createTopic(kafka, topic);
  const sinks = Array.from({ length: config.workers }, () => new KafkaSink(kafka, topic, DELIVERY_TIMEOUT_MS));
  await Promise.all(sinks.map((sink) => sink.open()));
  const clock = new WallClock();
  const source = new RecordSource(paddedClickstream(index + 1, RECORD_SIZE), clock, RECORDS);
  const runner = new Runner({ schema: clickstreamModule.schema, source, clock, sinks, rate: Infinity, batchSize: config.batchSize });
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const stats = await runner.run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  // Share of one core this process used: near 100% means the producer is bound by its own CPU (one JS thread).
  const cpuPercent = ((cpu.user + cpu.system) / 1e6 / seconds) * 100;
  await Promise.all(sinks.map((sink) => sink.close()));
  const onTopic = await endOffset(kafka, topic);
  const check = onTopic === stats.sent ? `topic end offset ${onTopic} = acknowledged` : `MISMATCH: topic holds ${onTopic}, acknowledged ${stats.sent}`;
  const failures = stats.failed > 0 ? `; ${stats.failed} NOT DELIVERED: ${stats.errors[0] ?? ''}` : '';
  return {
    label: `generator, ${config.workers} worker(s), batch ${config.batchSize}${isCliDefault(config) ? ' (CLI defaults)' : ''}`,
    records: stats.sent,
    seconds,
    recordsPerSec: stats.sent / seconds,
    mbPerSec: (stats.sent * RECORD_SIZE) / MB / seconds,
    note: `node process CPU ${cpuPercent.toFixed(0)}% of one core; ${check}${failures}`,
  };
}

/** `java -version` writes to stderr. */
async function producerPerformance(broker: LocalKafka, topic: string, producerProps: Record<string, string>, label: string): Promise<Figures> {
  const perf = await runProducerPerformance({
    bootstrap: broker.bootstrap,
    topic,
    partitions: 1,
    numRecords: RECORDS,
    recordSize: RECORD_SIZE,
    throughput: -1,
    acks: 'all',
    producerProps,
  });
  console.log(`  ProducerPerformance ${perf.args.join(' ')}`);
  console.log(`    ${perf.summary}`);
  return {
    label,
    records: perf.records,
    seconds: perf.records / perf.recordsPerSec,
    recordsPerSec: perf.recordsPerSec,
    mbPerSec: perf.mbPerSec,
    note: `p99 ${perf.p99Ms} ms`,
  };
}

/** The transaction coordinator loads its partitions after startup; an idempotent producer's first InitProducerId waits for that. */
async function warmUpCoordinator(broker: LocalKafka): Promise<void> {
  const producer = new Kafka({ clientId: 'bench-warm-up', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer({ idempotent: true });
  await producer.connect();
  await producer.disconnect();
}

function javaVersionLine(): string {
  return execFileSync('sh', ['-c', 'java -version 2>&1'], { encoding: 'utf8' }).split('\n')[0] ?? 'java (unknown version)';
}

const num = (value: number, digits = 0): string => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  console.log(
    `bench:generator on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${javaVersionLine()}`,
  );
  console.log(`records per run: ${num(RECORDS)} of ${RECORD_SIZE} bytes, acks=all, 1 partition, fresh topic per run`);
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(
    `generation + JSON serialisation alone (padded clickstream, no Kafka): ${num(generationRate(Math.min(RECORDS, 50_000)))} records/s`,
  );

  const broker = await startKafka();
  const rows: Figures[] = [];
  try {
    console.log(`broker: Kafka 3.9.1 KRaft on ${broker.bootstrap}`);
    await warmUpCoordinator(broker);
    for (const [index, config] of CONFIGS.entries()) {
      const figures = await runGenerator(broker, config, index);
      console.log(`  ${figures.label}: ${num(figures.recordsPerSec)} records/s, ${num(figures.mbPerSec, 1)} MB/s in ${figures.seconds.toFixed(1)} s; ${figures.note}`);
      rows.push(figures);
    }
    const reference = await producerPerformance(broker, 'bench-producer-performance', {}, 'Kafka ProducerPerformance, Java client defaults');
    // The Java defaults batch 16 KB (16 records of 1 KB) per partition; the generator sends 500
    // records per request. This run gives the Java client comparable batches, as a second reference.
    const tuned = await producerPerformance(
      broker,
      'bench-producer-performance-batched',
      { 'batch.size': String(512 * 1024), 'linger.ms': '5' },
      'Kafka ProducerPerformance, batch.size=512 KB linger.ms=5',
    );
    rows.push(reference, tuned);

    console.log('');
    const ratio = (row: Figures, to: Figures): string => (row.recordsPerSec / to.recordsPerSec).toFixed(2);
    console.log('| run | records | messages/s | MB/s | ratio to ProducerPerformance (defaults) | ratio to ProducerPerformance (batched) |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const row of rows) {
      console.log(`| ${row.label} | ${num(row.records)} | ${num(row.recordsPerSec)} | ${num(row.mbPerSec, 1)} | ${ratio(row, reference)} | ${ratio(row, tuned)} |`);
    }
    const generatorRows = rows.slice(0, CONFIGS.length);
    const best = generatorRows.reduce((a, b) => (b.recordsPerSec > a.recordsPerSec ? b : a));
    console.log('');
    const defaults = generatorRows[CONFIGS.findIndex(isCliDefault)];
    const defaultsText = defaults ? `CLI defaults ${ratio(defaults, reference)} to ProducerPerformance defaults, ${ratio(defaults, tuned)} to batched; ` : '';
    console.log(`ratio (goal >= 0.5): ${defaultsText}best generator setting (${best.label}) ${ratio(best, reference)} and ${ratio(best, tuned)}`);
    console.log('records: clickstream generator records padded by a bench-only `padding` field to 1024-byte JSON values (the clickstream dataset has no padding option)');
  } finally {
    await broker.stop();
    console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench:generator failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
