/**
 * Every Kafka dataset produced by the real CLI to a real broker (KRaft, 127.0.0.1) and read back:
 * count, keys, partitions, record timestamps and field shapes as the dataset schemas declare them.
 */
import { datasetModule } from '../../generators/datasets';
import { SHOP_USER_IDS, shopAmountFor } from '../../generators/datasets/shop_transactions';
import { datasetTopic } from '../../generators/schema';
import { DATASET_NAMES, type DatasetName } from '../../pipelines/datasets';
import { schemaProblems } from '../../__tests__/generators/drive';
import { type LocalKafka, startKafka } from '../support/kafka';
import { acknowledged, consumeTopic, createTopics, killLeftoverClis, runCli, type Consumed } from './support';

const KAFKA_DATASETS = DATASET_NAMES.filter((name) => datasetModule(name).schema.sink.kind === 'kafka');
const PARTITIONS = 3;
const COUNT = 600;
/** Reference sets pause --refresh-ms after each full pass; a short refresh keeps the test quick. */
const EXTRA_ARGS: Partial<Record<string, string[]>> = {
  clickstream_codes: ['--refresh-ms', '20'],
  clickstream_users: ['--refresh-ms', '200'],
  // payment_json is JSON_SR (the API's wire format); plain JSON payments go to a topic of their own.
  payments: ['--topic', 'payments_plain'],
};
const topicOf = (name: DatasetName): string => (name === 'payments' ? 'payments_plain' : datasetTopic(datasetModule(name).schema));
/** Datasets whose records carry a unique id: a duplicate message would show as a repeated id. */
const UNIQUE_ID: Partial<Record<string, string>> = { ratings: 'rating_id', bank_transactions: 'txn_id', shop_transactions: 'transaction_id', payments: 'id' };

describe('generators against a real Kafka broker', () => {
  let kafka: LocalKafka;
  const consumed = new Map<string, Consumed[]>();
  const runs = new Map<string, { code: number | null; stderr: string; startedAt: number; endedAt: number }>();

  beforeAll(async () => {
    kafka = await startKafka();
    await createTopics(kafka.bootstrap, KAFKA_DATASETS.map(topicOf), PARTITIONS);
    for (const name of KAFKA_DATASETS) {
      const startedAt = Date.now();
      const run = await runCli([name, '--brokers', kafka.bootstrap, '--count', String(COUNT), '--rate', 'unlimited', '--workers', '2', '--batch-size', '50', '--seed', '5', ...(EXTRA_ARGS[name] ?? [])]);
      runs.set(name, { code: run.code, stderr: run.stderr, startedAt, endedAt: Date.now() });
      consumed.set(name, await consumeTopic(kafka.bootstrap, topicOf(name)));
    }
  });

  afterAll(async () => {
    killLeftoverClis();
    await kafka?.stop();
  });

  describe.each(KAFKA_DATASETS.map((name) => [name]))('%s', (name) => {
    const schema = datasetModule(name).schema;

    it('the CLI exits 0 and every acknowledged message is in the topic, once', () => {
      const run = runs.get(name)!;
      expect(run.code).toBe(0);
      expect(acknowledged(run.stderr)).toBe(COUNT);
      const messages = consumed.get(name)!;
      expect(messages).toHaveLength(COUNT);
      const idField = UNIQUE_ID[name];
      if (idField !== undefined) expect(new Set(messages.map((m) => m.value[idField])).size).toBe(COUNT);
    });

    it('values have exactly the declared fields and types', () => {
      expect(consumed.get(name)!.flatMap((message) => schemaProblems(schema, message.value))).toEqual([]);
    });

    it('keys are the key field as a string, and one key always lands in one partition', () => {
      const messages = consumed.get(name)!;
      const partitionsOfKey = new Map<string, Set<number>>();
      for (const message of messages) {
        expect(message.key).toBe(schema.keyField === undefined ? null : String(message.value[schema.keyField]));
        if (message.key !== null) partitionsOfKey.set(message.key, (partitionsOfKey.get(message.key) ?? new Set()).add(message.partition));
      }
      expect([...partitionsOfKey.values()].every((partitions) => partitions.size === 1)).toBe(true);
      expect(new Set(messages.map((message) => message.partition)).size).toBeGreaterThan(1);
    });

    it('record timestamps are event time', () => {
      const run = runs.get(name)!;
      for (const message of consumed.get(name)!) {
        if (schema.timestampField !== undefined) expect(message.timestamp).toBe(message.value[schema.timestampField]);
        else {
          expect(message.timestamp).toBeGreaterThanOrEqual(run.startedAt);
          expect(message.timestamp).toBeLessThanOrEqual(run.endedAt);
        }
      }
    });
  });

  it('clickstream and clickstream_users put a user id in the same partition number (co-partitioned join)', () => {
    const partitionOf = (messages: Consumed[]): Map<string, number> => new Map(messages.map((message) => [message.key!, message.partition]));
    const users = partitionOf(consumed.get('clickstream_users')!);
    const clicks = partitionOf(consumed.get('clickstream')!);
    expect(clicks.size).toBeGreaterThan(10);
    for (const [userid, partition] of clicks) expect(users.get(userid)).toBe(partition);
  });

  it('clickstream_users: all 40 users, then the same set again after each --refresh-ms pause', () => {
    const messages = consumed.get('clickstream_users')!;
    const perUser = new Map<string, Set<string>>();
    for (const message of messages) perUser.set(message.key!, (perUser.get(message.key!) ?? new Set()).add(JSON.stringify(message.value)));
    expect(perUser.size).toBe(40);
    // Re-sent unchanged: one distinct value per user.
    expect([...perUser.values()].every((values) => values.size === 1)).toBe(true);
    const times = [...new Set(messages.map((message) => message.timestamp))].sort((a, b) => a - b);
    // A 200 ms pause measured between two wall-clock timestamps can come out a few ms short (timer
    // and clock granularity); gaps inside a pass at --rate unlimited are a few ms, so 150 ms separates them.
    const pauses = times.slice(1).filter((time, i) => time - times[i] >= 150);
    expect(pauses.length).toBe(COUNT / 40 - 1);
  });

  it('shop rule from consumed data: per-user total = count * 10d (0 counts as 10)', () => {
    const totals = new Map<string, { count: number; sum: number }>();
    for (const { value } of consumed.get('shop_transactions')!) {
      const entry = totals.get(value.user_id as string) ?? { count: 0, sum: 0 };
      totals.set(value.user_id as string, { count: entry.count + 1, sum: entry.sum + (value.amount as number) });
    }
    expect([...totals.keys()].sort()).toEqual([...SHOP_USER_IDS].sort());
    for (const [userId, { count, sum }] of totals) {
      const digit = Number(userId[0]);
      expect(sum).toBe(count * 10 * (digit === 0 ? 10 : digit));
      expect(sum).toBe(count * shopAmountFor(userId));
    }
  });
});
