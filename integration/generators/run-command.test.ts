/**
 * `lab-generate run`, as the stack's generators container runs it: two datasets in one process,
 * each at its own count, produced to a real broker (KRaft, 127.0.0.1) and read back.
 */
import { datasetTopic } from '../../generators/schema';
import { datasetModule } from '../../generators/datasets';
import { type LocalKafka, startKafka } from '../support/kafka';
import { consumeTopic, createTopics, killLeftoverClis, runCli } from './support';

const COUNTS = { ratings: 300, shop_transactions: 120 } as const;
const topicOf = (name: keyof typeof COUNTS): string => datasetTopic(datasetModule(name).schema);

describe('lab-generate run against a real Kafka broker', () => {
  let kafka: LocalKafka;

  beforeAll(async () => {
    kafka = await startKafka();
    await createTopics(kafka.bootstrap, Object.keys(COUNTS).map((name) => topicOf(name as keyof typeof COUNTS)), 1);
  });

  afterAll(async () => {
    killLeftoverClis();
    await kafka?.stop();
  });

  it('produces every dataset of the command to its own topic, each summary naming its dataset, exit 0', async () => {
    const group = (name: keyof typeof COUNTS, rate: string): string[] => [name, '--brokers', kafka.bootstrap, '--count', String(COUNTS[name]), '--rate', rate];
    const run = await runCli(['run', ...group('ratings', 'unlimited'), '--', ...group('shop_transactions', '100')]);
    expect(run.code).toBe(0);
    for (const [name, count] of Object.entries(COUNTS)) {
      expect(run.stderr).toMatch(new RegExp(`^\\[lab-generate ${name}\\] done: sent ${count}, not delivered 0`, 'm'));
      expect(await consumeTopic(kafka.bootstrap, topicOf(name as keyof typeof COUNTS))).toHaveLength(count);
    }
  });
});
