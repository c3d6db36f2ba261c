/**
 * What the rehearsal observes in a deployed lab, through the same interfaces a user has: the
 * docker CLI, the Kafka admin API (not Terraform's state), and the services' REST APIs on their
 * published ports. Each probe returns what it saw; judging it is summary.ts's job.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
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
  /** The WWW-Authenticate header of a 401: which login the server asks for. */
  readonly authenticate?: string;
}

/**
 * How the rehearsal reaches the lab's HTTP ports. Open access: plain HTTP, no login. Authenticated
 * access (the TLS proxy): `ca` is the only certificate authority trusted, and `authorization` the
 * Authorization header sent with every request.
 */
export interface HttpAccess {
  readonly ca?: string;
  readonly authorization?: string;
}

export const OPEN_ACCESS: HttpAccess = {};

export { basicAuthorization } from '../lib/basic-auth';

/** How long one HTTP call may take, answer included. */
const HTTP_TIMEOUT_MS = 15_000;

/** One HTTP call with a timeout; a network failure becomes status 0 with the reason as body. */
export function http(access: HttpAccess, method: string, url: string, body?: unknown, contentType = 'application/json'): Promise<HttpAnswer> {
  const sent = body === undefined ? undefined : { text: JSON.stringify(body), contentType };
  return call(access, method, url, sent);
}

/**
 * A POST of a body sent as written (not JSON-encoded), e.g. the NDJSON of `_msearch` as
 * `application/x-ndjson`, the plain type both Elasticsearch and OpenSearch take.
 */
export function postText(access: HttpAccess, url: string, text: string, contentType: string): Promise<HttpAnswer> {
  return call(access, 'POST', url, { text, contentType });
}

function parsedBody(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    // Not JSON: keep the text, it is the service's own message.
    return text;
  }
}

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(', ') : value);

/**
 * node:http or node:https by the URL's scheme, in both access modes: Node 20's global fetch cannot
 * be given a CA. A fresh connection per call (no agent), so nothing is left open between rounds.
 */
function call(access: HttpAccess, method: string, url: string, body: { readonly text: string; readonly contentType: string } | undefined): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: HttpAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const failed = (e: Error & { code?: string }): void => settle({ status: 0, body: `${e.message}${e.code && !e.message.includes(e.code) ? ` (${e.code})` : ''}` });
    const target = new URL(url);
    const headers: Record<string, string> = body === undefined ? { Accept: 'application/json' } : { 'Content-Type': body.contentType, Accept: 'application/json', 'Content-Length': String(Buffer.byteLength(body.text)) };
    if (access.authorization !== undefined) headers.Authorization = access.authorization;
    const options: RequestOptions = { method, headers, agent: false };
    const onResponse = (response: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', failed);
      response.on('close', () => {
        if (!response.complete) failed(new Error('the answer was cut off before its end'));
      });
      response.on('end', () =>
        settle({
          status: response.statusCode ?? 0,
          body: parsedBody(Buffer.concat(chunks).toString('utf8')),
          standin: header(response.headers['x-lab-standin']),
          authenticate: header(response.headers['www-authenticate']),
        }),
      );
    };
    const request = target.protocol === 'https:' ? httpsRequest(target, { ...options, ca: access.ca }, onResponse) : httpRequest(target, options, onResponse);
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${HTTP_TIMEOUT_MS / 1000} s`)), HTTP_TIMEOUT_MS);
    request.on('error', failed);
    request.end(body?.text);
  });
}

/** A short form of a service's answer for a failure line. */
export function brief(answer: HttpAnswer): string {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  return `${answer.status === 0 ? 'no answer' : `HTTP ${answer.status}`}: ${(text ?? '').slice(0, 300)}`;
}
