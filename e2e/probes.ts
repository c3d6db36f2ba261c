/**
 * What the rehearsal observes in a deployed lab, through the same interfaces a user has: the
 * docker CLI, the Kafka admin API (not Terraform's state), and the services' REST APIs on their
 * published ports. Each probe returns what it saw; judging it is summary.ts's job.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { ConfigResourceTypes, Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import type { DeclaredTopic } from './direct-start-plan';
import { totalOffsets } from './summary';

/** `docker inspect` health of each container: healthy, starting, unhealthy, or missing. */
export function containerHealth(names: readonly string[]): Map<string, string> {
  const health = new Map<string, string>();
  for (const name of names) {
    try {
      const out = execFileSync('docker', ['inspect', '--format', '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}', name], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      health.set(name, out.trim());
    } catch {
      health.set(name, 'missing');
    }
  }
  return health;
}

/** The last lines of a container's log, for a failure message. */
export function containerLogTail(name: string, lines = 15): string {
  // docker logs replays the container's stderr on its own stderr: both streams hold the log.
  const r = spawnSync('docker', ['logs', '--tail', String(lines), name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) return `(no log: ${(r.stderr || r.error?.message || `docker logs exit ${r.status}`).split('\n')[0]})`;
  return `${r.stdout}${r.stderr}`.trim();
}

export interface ObservedTopic {
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string | undefined>>;
}

/** Creates topics as the stack's kafka_topic resources declare them, through a connected admin client. */
export async function createDeclaredTopicsWith(admin: Admin, topics: readonly DeclaredTopic[]): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: t.replicationFactor, configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })) })),
  });
}

/** The brokers as a client outside Docker sees them. */
export class KafkaProbe {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private connected = false;

  /** `security`: TLS and SASL settings of a secured cluster (the external-kafka rehearsal). */
  constructor(bootstrap: readonly string[], security: Pick<KafkaConfig, 'ssl' | 'sasl'> = {}) {
    this.kafka = new Kafka({ clientId: 'lab-e2e', brokers: [...bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 }, ...security });
    this.admin = this.kafka.admin();
  }

  private async ready(): Promise<Admin> {
    if (!this.connected) {
      await this.admin.connect();
      this.connected = true;
    }
    return this.admin;
  }

  async listTopics(): Promise<string[]> {
    return (await this.ready()).listTopics();
  }

  /** Partitions, replication factor and the given config keys of each topic. */
  async describe(topics: readonly string[], configKeys: readonly string[]): Promise<Map<string, ObservedTopic>> {
    const admin = await this.ready();
    const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: [...configKeys] })),
    });
    const observed = new Map<string, ObservedTopic>();
    for (const t of metadata.topics) {
      const entries = configs.resources.find((r) => r.resourceName === t.name)?.configEntries ?? [];
      observed.set(t.name, {
        partitions: t.partitions.length,
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        config: Object.fromEntries(entries.map((e) => [e.configName, e.configValue])),
      });
    }
    return observed;
  }

  /** Creates topics (the direct-start reference's stand-in for the stack's kafka_topic resources). */
  async createTopics(topics: readonly DeclaredTopic[]): Promise<void> {
    await createDeclaredTopicsWith(await this.ready(), topics);
  }

  /** Records each topic holds now (sum over partitions). */
  async recordCounts(topics: readonly string[]): Promise<Map<string, number>> {
    const admin = await this.ready();
    const counts = new Map<string, number>();
    for (const topic of topics) counts.set(topic, totalOffsets(await admin.fetchTopicOffsets(topic)));
    return counts;
  }

  /** Writes one record (a value only), acknowledged by the brokers. */
  /** `key`: a compacted topic (a table's) refuses a record without one. */
  async produce(topic: string, value: string, key?: string): Promise<void> {
    const producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ key, value }] });
    } finally {
      await producer.disconnect();
    }
  }

  /**
   * Every record value a (small) topic holds now, read from the start by a consumer group of its
   * own, which is deleted afterwards. Stops at the offsets the topic had when called, or after
   * `timeoutMs` with what it read by then.
   */
  async readAll(topic: string, timeoutMs = 30_000): Promise<string[]> {
    const admin = await this.ready();
    const ends = new Map((await admin.fetchTopicOffsets(topic)).filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]));
    if (ends.size === 0) return [];
    const groupId = `lab-e2e-read-${process.pid}-${Date.now()}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false });
    const values: string[] = [];
    const reached = new Set<number>();
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, timeoutMs);
        consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              values.push(message.value?.toString('utf8') ?? '');
              if (Number(message.offset) + 1 >= (ends.get(partition) ?? 0)) reached.add(partition);
              if ([...ends.keys()].every((p) => reached.has(p))) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch((e: unknown) => {
            clearTimeout(timer);
            reject(e instanceof Error ? e : new Error(String(e)));
          });
      });
    } finally {
      await consumer.disconnect();
      // The group was this read's alone: leave none behind on the cluster.
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return values;
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect();
  }
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  /** The X-Lab-Standin header: set by the project's stand-ins, never by the real services. */
  readonly standin?: string;
}

/** One HTTP call with a timeout; a network failure becomes status 0 with the reason as body. */
export async function http(method: string, url: string, body?: unknown, contentType = 'application/json', headers: Readonly<Record<string, string>> = {}): Promise<HttpAnswer> {
  const sent = body === undefined ? undefined : { text: JSON.stringify(body), contentType };
  return call(method, url, sent, headers);
}

/**
 * A POST of a body sent as written (not JSON-encoded), e.g. the NDJSON of `_msearch` as
 * `application/x-ndjson`, the plain type both Elasticsearch and OpenSearch take.
 */
export function postText(url: string, text: string, contentType: string): Promise<HttpAnswer> {
  return call('POST', url, { text, contentType }, {});
}

async function call(method: string, url: string, body: { readonly text: string; readonly contentType: string } | undefined, headers: Readonly<Record<string, string>>): Promise<HttpAnswer> {
  try {
    const response = await fetch(url, {
      method,
      headers: { ...(body === undefined ? { Accept: 'application/json' } : { 'Content-Type': body.contentType, Accept: 'application/json' }), ...headers },
      body: body?.text,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // Not JSON: keep the text, it is the service's own message.
    }
    return { status: response.status, body: parsed, standin: response.headers.get('x-lab-standin') ?? undefined };
  } catch (e) {
    const err = e as { message?: string; cause?: { code?: string } };
    return { status: 0, body: `${err.message ?? String(e)}${err.cause?.code ? ` (${err.cause.code})` : ''}` };
  }
}

/** A short form of a service's answer for a failure line. */
export function brief(answer: HttpAnswer): string {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  return `${answer.status === 0 ? 'no answer' : `HTTP ${answer.status}`}: ${(text ?? '').slice(0, 300)}`;
}
