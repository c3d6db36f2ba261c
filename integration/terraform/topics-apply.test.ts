import { App, LocalBackend, TerraformStack } from 'cdktf';
import { Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaProvider, KafkaTopic } from '../../providers/kafka';
import { type LocalKafka, startKafka } from '../support/kafka';
import { ensureTofu, tofu, TofuToolchain } from '../../lib/tofu';

/**
 * The Kafka binding end to end: a cdktf app built with it is synthesized, and real OpenTofu with the
 * real Mongey/kafka provider (from the offline mirror) creates, updates and deletes topics on a real
 * KRaft broker on 127.0.0.1. What the broker reports is read back with kafkajs, not from Terraform.
 */

interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly config: Readonly<Record<string, string>>;
}

const EVENTS: TopicSpec = {
  name: 'tf_it_events',
  partitions: 3,
  config: { 'cleanup.policy': 'delete', 'retention.ms': '3600000' },
};
const TABLE: TopicSpec = { name: 'tf_it_table', partitions: 2, config: { 'cleanup.policy': 'compact' } };
const EVENTS_LONGER_RETENTION: TopicSpec = { ...EVENTS, config: { ...EVENTS.config, 'retention.ms': '7200000' } };

const TOOLCHAIN_BUILD_MS = 60 * 60_000;
const TOFU_STEP_MS = 5 * 60_000;

let toolchain: TofuToolchain;
let broker: LocalKafka;
let admin: Admin;
let kafka: Kafka;
let workDir: string;
const scratchDirs: string[] = [];

/** Synthesizes a stack of the given topics with the binding and puts its JSON into the working directory. */
function writeStack(topics: readonly TopicSpec[]): void {
  const outdir = mkdtempSync(join(tmpdir(), 'tf-topics-synth-'));
  scratchDirs.push(outdir);
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'topics');
  // cdktf's default state path is in the process's working directory (the project root): keep this
  // test's state in its own directory instead.
  new LocalBackend(stack, { path: join(workDir, 'terraform.tfstate') });
  const provider = new KafkaProvider(stack, 'kafka', { bootstrapServers: [broker.bootstrap], tlsEnabled: false });
  for (const topic of topics) {
    new KafkaTopic(stack, topic.name, {
      provider,
      name: topic.name,
      partitions: topic.partitions,
      replicationFactor: 1,
      config: topic.config,
    });
  }
  app.synth();
  // The working directory keeps its state and .terraform between versions of the stack, as a
  // deployment's directory does; only the configuration is replaced.
  writeFileSync(join(workDir, 'cdk.tf.json'), readFileSync(join(outdir, 'stacks', 'topics', 'cdk.tf.json')));
}

async function topicConfig(name: string, keys: readonly string[]): Promise<Record<string, string | undefined>> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name, configNames: [...keys] }],
  });
  const entries = described.resources[0]?.configEntries ?? [];
  return Object.fromEntries(keys.map((key) => [key, entries.find((entry) => entry.configName === key)?.configValue]));
}

async function partitionCount(name: string): Promise<number> {
  const metadata = await admin.fetchTopicMetadata({ topics: [name] });
  return metadata.topics[0]?.partitions.length ?? 0;
}

interface PlannedChange {
  address: string;
  change: { actions: string[] };
}

beforeAll(async () => {
  toolchain = ensureTofu();
  broker = await startKafka();
  kafka = new Kafka({ clientId: 'tf-topics-it', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  workDir = mkdtempSync(join(tmpdir(), 'tf-topics-work-'));
  mkdirSync(workDir, { recursive: true });
}, TOOLCHAIN_BUILD_MS);

afterAll(async () => {
  await admin?.disconnect();
  await broker?.stop();
  for (const dir of [workDir, ...scratchDirs]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('kafka_topic through OpenTofu on a real broker', () => {
  it(
    'tofu apply creates the declared topics with their partitions and config',
    async () => {
      writeStack([EVENTS, TABLE]);
      await tofu(toolchain, workDir, ['init', '-input=false', '-no-color']);
      await tofu(toolchain, workDir, ['apply', '-auto-approve', '-input=false', '-no-color']);

      expect(await partitionCount(EVENTS.name)).toBe(3);
      expect(await partitionCount(TABLE.name)).toBe(2);
      expect(await topicConfig(EVENTS.name, ['cleanup.policy', 'retention.ms'])).toEqual({
        'cleanup.policy': 'delete',
        'retention.ms': '3600000',
      });
      expect(await topicConfig(TABLE.name, ['cleanup.policy'])).toEqual({ 'cleanup.policy': 'compact' });
    },
    TOFU_STEP_MS,
  );

  it(
    'a changed topic config is updated in place: the plan says update, and the topic keeps its data',
    async () => {
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: EVENTS.name, acks: -1, messages: [{ key: 'k', value: 'kept across the update' }] });
      await producer.disconnect();

      writeStack([EVENTS_LONGER_RETENTION, TABLE]);
      await tofu(toolchain, workDir, ['plan', '-out=update.tfplan', '-input=false', '-no-color']);
      const { stdout } = await tofu(toolchain, workDir, ['show', '-json', '-no-color', 'update.tfplan']);
      const changes = (JSON.parse(stdout) as { resource_changes: PlannedChange[] }).resource_changes;
      expect(Object.fromEntries(changes.map((c) => [c.address, c.change.actions]))).toEqual({
        [`kafka_topic.${EVENTS.name}`]: ['update'],
        [`kafka_topic.${TABLE.name}`]: ['no-op'],
      });

      await tofu(toolchain, workDir, ['apply', '-input=false', '-no-color', 'update.tfplan']);
      expect(await topicConfig(EVENTS.name, ['retention.ms'])).toEqual({ 'retention.ms': '7200000' });
      const offsets = await admin.fetchTopicOffsets(EVENTS.name);
      const records = offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
      expect(records).toBe(1);
    },
    TOFU_STEP_MS,
  );

  it(
    'tofu destroy deletes the topics from the broker',
    async () => {
      await tofu(toolchain, workDir, ['destroy', '-auto-approve', '-input=false', '-no-color']);
      const remaining = await admin.listTopics();
      expect(remaining.filter((name) => name === EVENTS.name || name === TABLE.name)).toEqual([]);
    },
    TOFU_STEP_MS,
  );
});
