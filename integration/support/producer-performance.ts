import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaJavaArgs, writeLog4jConfig } from './jvm';
import { ensureIntegrationServices } from './paths';

export interface ProducerPerformanceOptions {
  readonly bootstrap: string;
  /** Created (with `partitions`) if it does not exist. Default `producer-performance`. */
  readonly topic?: string;
  readonly partitions?: number;
  readonly numRecords: number;
  readonly recordSize: number;
  /** Records/s cap; -1 (the default) means as fast as possible. */
  readonly throughput?: number;
  /** Default 'all', as the generators produce. */
  readonly acks?: 'all' | '1' | '0';
  /** More producer properties (linger.ms, batch.size, compression.type...). */
  readonly producerProps?: Readonly<Record<string, string>>;
  readonly heapMb?: number;
  /** Default 10 minutes. */
  readonly timeoutMs?: number;
}

/** ProducerPerformance's closing summary, as numbers. */
export interface ProducerPerformanceResult {
  readonly records: number;
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  readonly avgLatencyMs: number;
  readonly maxLatencyMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  /** The summary line as printed. */
  readonly summary: string;
  /** The exact command's arguments after `java ... ProducerPerformance`, for a benchmark's method section. */
  readonly args: readonly string[];
}

const NUMBER = '([0-9]+(?:\\.[0-9]+)?)';
const SUMMARY = new RegExp(
  `^${NUMBER} records sent, ${NUMBER} records/sec \\(${NUMBER} MB/sec\\), ${NUMBER} ms avg latency, ` +
    `${NUMBER} ms max latency, ${NUMBER} ms 50th, ${NUMBER} ms 95th, ${NUMBER} ms 99th, ${NUMBER} ms 99\\.9th\\.?$`,
);

/** Parses the final line ProducerPerformance prints (the one with percentiles); undefined if absent. */
export function parseProducerPerformanceSummary(output: string): Omit<ProducerPerformanceResult, 'args'> | undefined {
  const line = output
    .split('\n')
    .map((text) => text.trim())
    .reverse()
    .find((text) => SUMMARY.test(text));
  if (line === undefined) return undefined;
  const figures = SUMMARY.exec(line)!.slice(1).map(Number);
  const [records, recordsPerSec, mbPerSec, avgLatencyMs, maxLatencyMs, p50Ms, p95Ms, p99Ms, p999Ms] = figures;
  return { records, recordsPerSec, mbPerSec, avgLatencyMs, maxLatencyMs, p50Ms, p95Ms, p99Ms, p999Ms, summary: line };
}

async function ensureTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const admin = new Kafka({ clientId: 'producer-performance-setup', brokers: [bootstrap], logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) {
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Runs Kafka's own org.apache.kafka.tools.ProducerPerformance (from the cached kafka-tools jar)
 * against `bootstrap` and returns its summary figures: the reference a producer benchmark compares to.
 */
export async function runProducerPerformance(options: ProducerPerformanceOptions): Promise<ProducerPerformanceResult> {
  ensureIntegrationServices();
  const topic = options.topic ?? 'producer-performance';
  await ensureTopic(options.bootstrap, topic, options.partitions ?? 1);
  const producerProps = {
    'bootstrap.servers': options.bootstrap,
    acks: options.acks ?? 'all',
    ...options.producerProps,
  };
  const args = [
    '--topic',
    topic,
    '--num-records',
    String(options.numRecords),
    '--record-size',
    String(options.recordSize),
    '--throughput',
    String(options.throughput ?? -1),
    '--producer-props',
    ...Object.entries(producerProps).map(([key, value]) => `${key}=${value}`),
  ];
  const log4jFile = writeLog4jConfig(mkdtempSync(join(tmpdir(), 'lab-perf-')));
  const javaArgs = kafkaJavaArgs({
    heapMb: options.heapMb ?? 512,
    log4jFile,
    mainClass: 'org.apache.kafka.tools.ProducerPerformance',
    args,
  });
  const output = await new Promise<string>((resolveRun, reject) => {
    const child = spawn('java', javaArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`ProducerPerformance: could not start java: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolveRun(text);
      else reject(new Error(`ProducerPerformance ${signal ? `killed by ${signal} (timeout?)` : `exited with ${code}`}:\n${text.slice(-4000)}`));
    });
  });
  const parsed = parseProducerPerformanceSummary(output);
  if (parsed === undefined) {
    throw new Error(`ProducerPerformance printed no summary line with percentiles; its output:\n${output.slice(-4000)}`);
  }
  return { ...parsed, args };
}
