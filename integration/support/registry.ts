/**
 * A real Schema Registry for the integration tests and benchmarks: Confluent's Schema Registry
 * 7.9.9 (Avro, Protobuf and JSON Schema providers), built from its public sources in
 * ../shared/schema-registry and assembled into .cache/schema-registry by
 * scripts/setup-schema-registry.sh (run here when missing). It serves the Confluent API at its
 * root on a free 127.0.0.1 port and keeps its schemas where the lab's registry does: in a Kafka
 * topic (`_schemas` by default) of the broker the test gives it, so it starts empty on a new broker.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { writeLog4jConfig } from './jvm';
import { freePort, waitUntil } from './ports';
import { type ServiceProcess, spawnService, tailOfFile } from './service-process';

export const SCHEMA_REGISTRY_VERSION = '7.9.9';
export const SCHEMA_REGISTRY_HOME = join(PROJECT_ROOT, '.cache', 'schema-registry');
const INSTALLED = join(SCHEMA_REGISTRY_HOME, '.installed');
const SETUP_SCRIPT = join(PROJECT_ROOT, 'scripts', 'setup-schema-registry.sh');
const MAIN_CLASS = 'io.confluent.kafka.schemaregistry.rest.SchemaRegistryMain';

export interface LocalSchemaRegistry {
  /** Base URL of the Confluent API, for SchemaRegistryClient and --schema-registry-url. */
  readonly url: string;
  readonly port: number;
  readonly logFile: string;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL. */
  kill(): Promise<void>;
  isRunning(): boolean;
}

/** Where the registry keeps its schemas: a topic of a running broker. */
export interface RegistryKafkaStore {
  /** Bootstrap servers as this machine reaches them (LocalKafka.bootstrap). */
  readonly bootstrap: string;
  /** Kafka client properties beyond bootstrap (security.protocol, sasl.*, ssl.*), set with the `kafkastore.` prefix. */
  readonly clientProperties?: Readonly<Record<string, string>>;
  /** The storage topic. Default `_schemas`, as the server's. */
  readonly topic?: string;
  /** The leader-election group. Default `schema-registry`, as the server's. */
  readonly groupId?: string;
}

export interface StartSchemaRegistryOptions {
  readonly kafka: RegistryKafkaStore;
  readonly heapMb?: number;
  readonly startTimeoutMs?: number;
}

/** Runs scripts/setup-schema-registry.sh when .cache/schema-registry is not complete; returns the classpath. */
export function ensureSchemaRegistry(): string {
  if (!existsSync(INSTALLED)) {
    const setup = spawnSync('bash', [SETUP_SCRIPT], { stdio: 'inherit' });
    if (setup.status !== 0 || !existsSync(INSTALLED)) {
      throw new Error(
        `scripts/setup-schema-registry.sh exited with ${setup.status ?? setup.signal}: Confluent Schema Registry ${SCHEMA_REGISTRY_VERSION} ` +
          `is not assembled in ${SCHEMA_REGISTRY_HOME}; its output above says why (../shared/schema-registry missing, or Maven Central unreachable)`,
      );
    }
  }
  return `${join(SCHEMA_REGISTRY_HOME, 'jars')}/*:${join(SCHEMA_REGISTRY_HOME, 'lib')}/*`;
}

/** The server's properties: the given store, replication 1 (one test broker), listening on loopback only. */
export function registryProperties(port: number, kafka: RegistryKafkaStore): Record<string, string> {
  return {
    listeners: `http://127.0.0.1:${port}`,
    'host.name': '127.0.0.1',
    'kafkastore.bootstrap.servers': kafka.bootstrap,
    'kafkastore.topic': kafka.topic ?? '_schemas',
    'kafkastore.topic.replication.factor': '1',
    'schema.registry.group.id': kafka.groupId ?? 'schema-registry',
    ...Object.fromEntries(Object.entries(kafka.clientProperties ?? {}).map(([key, value]) => [`kafkastore.${key}`, value])),
  };
}

async function answers(url: string): Promise<boolean> {
  const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) });
  return response.ok;
}

/** Starts the registry on a free 127.0.0.1 port; resolves when GET /subjects answers. */
export async function startSchemaRegistry(options: StartSchemaRegistryOptions): Promise<LocalSchemaRegistry> {
  const classpath = ensureSchemaRegistry();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'lab-registry-'));
  const logFile = join(dir, 'schema-registry.log');
  const propertiesFile = join(dir, 'schema-registry.properties');
  writeFileSync(
    propertiesFile,
    `${Object.entries(registryProperties(port, options.kafka))
      .map(([key, value]) => `${key}=${value}`)
      .join('\n')}\n`,
  );
  const registry: ServiceProcess = spawnService({
    name: 'Schema Registry',
    command: 'java',
    args: [
      `-Xmx${options.heapMb ?? 384}m`,
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      `-Dlog4j.configuration=file:${writeLog4jConfig(dir)}`,
      '-cp',
      classpath,
      MAIN_CLASS,
      propertiesFile,
    ],
    cwd: dir,
    logFile,
  });
  try {
    await waitUntil(() => answers(url), {
      what: `Schema Registry on ${url} (store: ${options.kafka.topic ?? '_schemas'} on ${options.kafka.bootstrap})`,
      timeoutMs: options.startTimeoutMs ?? 90_000,
      abort: () => {
        const reason = registry.exitReason();
        return reason === undefined ? undefined : `the registry process ${reason} before it answered`;
      },
      describe: () => tailOfFile(logFile),
    });
  } catch (error) {
    await registry.kill();
    throw error;
  }
  return {
    url,
    port,
    logFile,
    stop: () => registry.stop(),
    kill: () => registry.kill(),
    isRunning: () => registry.exitReason() === undefined,
  };
}
