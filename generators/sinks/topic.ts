import type { Kafka } from 'kafkajs';
import { withTimeout } from './sink';

/**
 * Fails early, with the fix, when the topic is missing: producers do not auto-create topics
 * (the stack creates them with their partitions and retention).
 */
export async function ensureTopic(kafka: Kafka, topic: string, create: boolean, timeoutMs: number): Promise<void> {
  const admin = kafka.admin();
  await withTimeout(admin.connect(), timeoutMs, () => new Error(`could not reach the Kafka brokers within ${timeoutMs} ms; check --brokers / KAFKA_BROKERS`));
  try {
    const topics = await admin.listTopics();
    if (topics.includes(topic)) return;
    if (!create) {
      throw new Error(`topic '${topic}' does not exist; create it first (the stack does), or pass --create-topic to create it with the broker's default partitions`);
    }
    await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}
