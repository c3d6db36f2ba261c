import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { type LocalKafka, parseProducerPerformanceSummary, startKafka } from './kafka';

const client = (bootstrap: string, level = logLevel.ERROR): Kafka =>
  new Kafka({ clientId: 'kafka-harness-test', brokers: [bootstrap], logLevel: level });

async function createTopic(bootstrap: string, topic: string, partitions = 1): Promise<void> {
  const admin = client(bootstrap).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Reads `expected` messages from the start of `topic`; returns them as key=value strings in offset order per partition. */
async function consumeAll(bootstrap: string, topic: string, expected: number, timeoutMs = 60_000): Promise<string[]> {
  const consumer = client(bootstrap).consumer({ groupId: `harness-${topic}-${Date.now()}` });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolveAll, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`consumed ${seen.length} of ${expected} messages from ${topic} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(`${message.key?.toString()}=${message.value?.toString()}`);
          if (seen.length >= expected) {
            clearTimeout(timer);
            resolveAll();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

describe('local Kafka broker (KRaft, one node)', () => {
  let kafka: LocalKafka;

  beforeAll(async () => {
    kafka = await startKafka();
  });

  afterAll(async () => {
    await kafka?.stop();
  });

  it('listens on 127.0.0.1 and round-trips a message on a created topic', async () => {
    expect(kafka.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    await createTopic(kafka.bootstrap, 'round-trip');
    const producer = client(kafka.bootstrap).producer();
    await producer.connect();
    const [record] = await producer.send({ topic: 'round-trip', acks: -1, messages: [{ key: 'k1', value: 'hello' }] });
    await producer.disconnect();
    expect(record.errorCode).toBe(0);

    expect(await consumeAll(kafka.bootstrap, 'round-trip', 1)).toEqual(['k1=hello']);
  });

  it('refuses to auto-create topics, as the stack broker does', async () => {
    // The broker's UNKNOWN_TOPIC_OR_PARTITION is the expected answer here, so kafkajs' error log is silenced.
    const producer = client(kafka.bootstrap, logLevel.NOTHING).producer({ retry: { retries: 1 } });
    await producer.connect();
    try {
      await expect(producer.send({ topic: 'never-created', acks: -1, messages: [{ value: 'x' }] })).rejects.toThrow(
        'This server does not host this topic-partition',
      );
    } finally {
      await producer.disconnect();
    }
  });

  it('keeps every acknowledged message across SIGKILL and restart on the same port', async () => {
    const topic = 'survives-kill';
    await createTopic(kafka.bootstrap, topic, 3);
    const producer = client(kafka.bootstrap).producer({ idempotent: true });
    await producer.connect();
    const sent = Array.from({ length: 2_000 }, (_, i) => `key-${i}=value-${i}`);
    for (let batch = 0; batch < sent.length; batch += 500) {
      await producer.send({
        topic,
        acks: -1,
        messages: sent.slice(batch, batch + 500).map((text) => {
          const [key, value] = text.split('=');
          return { key, value };
        }),
      });
    }
    await producer.disconnect();
    const bootstrapBefore = kafka.bootstrap;

    await kafka.kill();
    expect(kafka.isRunning()).toBe(false);
    await kafka.restart();
    expect(kafka.isRunning()).toBe(true);
    expect(kafka.bootstrap).toBe(bootstrapBefore);

    const consumed = await consumeAll(kafka.bootstrap, topic, sent.length);
    expect(consumed.sort()).toEqual([...sent].sort());
  });

  it('stops cleanly on stop(): the broker runs its shutdown, and restart() brings the data back', async () => {
    await kafka.stop();
    expect(kafka.isRunning()).toBe(false);
    expect(readFileSync(kafka.logFile, 'utf8')).toContain('[BrokerServer id=1] Transition from SHUTTING_DOWN to SHUTDOWN');
    await kafka.restart();
    expect(await consumeAll(kafka.bootstrap, 'round-trip', 1)).toEqual(['k1=hello']);
  });
});

describe('parseProducerPerformanceSummary', () => {
  it('reads the closing line with percentiles and ignores the progress lines', () => {
    const output = [
      '120001 records sent, 23990.6 records/sec (23.43 MB/sec), 1020.4 ms avg latency, 1620.0 ms max latency.',
      '200000 records sent, 24336.821611 records/sec (23.77 MB/sec), 1152.86 ms avg latency, 2471.00 ms max latency, 1093 ms 50th, 2166 ms 95th, 2426 ms 99th, 2464 ms 99.9th.',
    ].join('\n');
    expect(parseProducerPerformanceSummary(output)).toMatchObject({
      records: 200000,
      recordsPerSec: 24336.821611,
      mbPerSec: 23.77,
      avgLatencyMs: 1152.86,
      maxLatencyMs: 2471,
      p50Ms: 1093,
      p95Ms: 2166,
      p99Ms: 2426,
      p999Ms: 2464,
    });
  });

  it('returns undefined when the run printed no summary', () => {
    expect(parseProducerPerformanceSummary('120001 records sent, 23990.6 records/sec (23.43 MB/sec), 1 ms avg latency, 2 ms max latency.')).toBeUndefined();
  });
});
