/**
 * A real ksqlDB 7.9.9 server (built from its public sources, ../shared/ksqldb, assembled by
 * scripts/setup-ksqldb.sh into .cache/ksqldb) on a free 127.0.0.1 port, against a LocalKafka.
 * Its properties mirror what the stack gives the container (platform/ksqldb.ts): the service id,
 * one stream thread and a small record cache per query, earliest offsets, replication factor 1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import type { LocalKafka } from './kafka';
import { freePort, waitUntil } from './ports';
import { removeAtExit, type ServiceProcess, spawnService, tailOfFile } from './service-process';

export const KSQLDB_HOME = join(PROJECT_ROOT, '.cache', 'ksqldb');
const SETUP_SCRIPT = join(PROJECT_ROOT, 'scripts', 'setup-ksqldb.sh');

export interface LocalKsqlDb {
  /** Base URL of the REST API, for KsqlRestClient and OBJECT_ENDPOINT. */
  readonly url: string;
  readonly serviceId: string;
  readonly logFile: string;
  readonly propertiesFile: string;
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same port and properties: it rebuilds its queries from the command topic. */
  restart(): Promise<void>;
  isRunning(): boolean;
}

export interface StartKsqlDbOptions {
  /** ksql.service.id; the stack's is `<project>_` (with the topic prefix before it). Default `lab_`. */
  readonly serviceId?: string;
  /** ksql.schema.registry.url: AVRO, PROTOBUF and JSON_SR statements need it. Default none. */
  readonly schemaRegistryUrl?: string;
  readonly heapMb?: number;
  readonly startTimeoutMs?: number;
  /** More server properties, which win over the defaults. */
  readonly properties?: Readonly<Record<string, string>>;
}

/** Runs scripts/setup-ksqldb.sh unless its marker is there (it is cached and re-runnable). */
export function ensureKsqlDb(): void {
  if (existsSync(join(KSQLDB_HOME, '.installed'))) return;
  const setup = spawnSync('bash', [SETUP_SCRIPT], { stdio: 'inherit' });
  if (setup.status !== 0) throw new Error(`scripts/setup-ksqldb.sh exited with ${setup.status ?? setup.signal}; its output above names the step`);
}

function serverProperties(options: Record<string, string>): string {
  return `${Object.entries(options)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/** True once /info reports the server RUNNING (it answers 503 while it replays its command topic). */
async function running(url: string): Promise<boolean> {
  const response = await fetch(`${url}/info`, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) return false;
  const body = (await response.json()) as { KsqlServerInfo?: { serverStatus?: string } };
  return body.KsqlServerInfo?.serverStatus === 'RUNNING';
}

export async function startKsqlDb(kafka: LocalKafka, options: StartKsqlDbOptions = {}): Promise<LocalKsqlDb> {
  ensureKsqlDb();
  const root = mkdtempSync(join(tmpdir(), 'lab-ksqldb-'));
  const stateDir = join(root, 'state');
  mkdirSync(stateDir);
  removeAtExit(stateDir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const serviceId = options.serviceId ?? 'lab_';
  const propertiesFile = join(root, 'ksql-server.properties');
  writeFileSync(
    propertiesFile,
    serverProperties({
      listeners: url,
      'bootstrap.servers': kafka.bootstrap,
      'ksql.service.id': serviceId,
      'ksql.streams.state.dir': stateDir,
      // Without it the server calls version-check.confluent.io at startup (../shared/ksqldb/README.md).
      'confluent.support.metrics.enable': 'false',
      'ksql.internal.topic.replicas': '1',
      'ksql.streams.replication.factor': '1',
      'ksql.logging.processing.topic.replication.factor': '1',
      'ksql.logging.processing.topic.auto.create': 'true',
      'ksql.logging.processing.stream.auto.create': 'true',
      'ksql.streams.auto.offset.reset': 'earliest',
      'ksql.streams.num.stream.threads': '1',
      'ksql.streams.cache.max.bytes.buffering': '2000000',
      // Two shared cores: commit often enough that tests see rows, with few threads.
      'ksql.streams.commit.interval.ms': '1000',
      ...(options.schemaRegistryUrl ? { 'ksql.schema.registry.url': options.schemaRegistryUrl } : {}),
      ...options.properties,
    }),
  );
  const logFile = join(root, 'ksqldb.log');
  let server: ServiceProcess | undefined;
  const launch = async (): Promise<void> => {
    const started = spawnService({
      name: 'ksqlDB server',
      command: 'java',
      args: [
        `-Xmx${options.heapMb ?? 768}m`,
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        `-Dlog4j.configuration=file:${join(KSQLDB_HOME, 'config', 'log4j.properties')}`,
        '-cp',
        `${join(KSQLDB_HOME, 'jars')}/*:${join(KSQLDB_HOME, 'lib')}/*`,
        'io.confluent.ksql.rest.server.KsqlServerMain',
        propertiesFile,
      ],
      logFile,
    });
    server = started;
    try {
      await waitUntil(() => running(url), {
        what: `ksqlDB server on ${url}`,
        timeoutMs: options.startTimeoutMs ?? 180_000,
        intervalMs: 1_000,
        abort: () => {
          const reason = started.exitReason();
          return reason === undefined ? undefined : `the ksqlDB process ${reason} before /info answered RUNNING`;
        },
        describe: () => tailOfFile(logFile),
      });
    } catch (error) {
      await started.kill();
      throw error;
    }
  };
  await launch();
  return {
    url,
    serviceId,
    logFile,
    propertiesFile,
    stop: async () => server?.stop(),
    async restart() {
      await server?.stop();
      await launch();
    },
    isRunning: () => server?.exitReason() === undefined,
  };
}
