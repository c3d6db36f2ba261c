import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaJavaArgs, writeLog4jConfig } from './jvm';
import type { LocalKafka } from './kafka';
import { CONNECT_PLUGINS, ensureIntegrationServices } from './paths';
import { freePort, waitUntil } from './ports';
import { type ServiceProcess, spawnService, tailOfFile } from './service-process';

export const DEBEZIUM_MARIADB_CONNECTOR_CLASS = 'io.debezium.connector.mariadb.MariaDbConnector';

/** A distributed Kafka Connect 3.9.1 worker on 127.0.0.1 with the Debezium MariaDB plugin loaded. */
export interface LocalConnect {
  /** REST base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly logFile: string;
  /** Clean shutdown: SIGTERM and wait. */
  stop(): Promise<void>;
}

export interface StartConnectOptions {
  /**
   * Environment of the worker. Connector configs read secrets as ${env:VAR} through the env config
   * provider, as the stack's worker does, so a test passes e.g. the CDC password here.
   */
  readonly env?: Readonly<Record<string, string>>;
  readonly heapMb?: number;
  /** Default 180 s: the worker scans every jar of the classpath and plugin path at start. */
  readonly startTimeoutMs?: number;
  /** More worker properties, which win over the defaults. */
  readonly properties?: Readonly<Record<string, string>>;
}

interface ConnectorPlugin {
  readonly class: string;
  readonly type: string;
  readonly version: string;
}

/**
 * GET /health (KIP-1017, Kafka 3.9) answers 200 once the worker finished starting and its herder
 * thread responds: before that, creating a connector can fail with 409 during the first rebalance.
 */
async function workerHealthy(url: string): Promise<boolean> {
  const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
  return response.status === 200;
}

async function listPlugins(url: string): Promise<readonly ConnectorPlugin[]> {
  const response = await fetch(`${url}/connector-plugins`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) return [];
  return (await response.json()) as ConnectorPlugin[];
}

/** Worker properties matching the stack's Connect service (JSON without schemas, env config provider). */
function workerProperties(options: {
  bootstrap: string;
  port: number;
  id: string;
  extra: Readonly<Record<string, string>>;
}): string {
  const properties: Record<string, string> = {
    'bootstrap.servers': options.bootstrap,
    'group.id': `connect-${options.id}`,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': 'false',
    'value.converter.schemas.enable': 'false',
    'config.storage.topic': `_connect-configs-${options.id}`,
    'offset.storage.topic': `_connect-offsets-${options.id}`,
    'status.storage.topic': `_connect-status-${options.id}`,
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    // The defaults (25 and 5 partitions) only cost start time on a one-node test broker.
    'offset.storage.partitions': '1',
    'status.storage.partitions': '1',
    'offset.flush.interval.ms': '1000',
    listeners: `http://127.0.0.1:${options.port}`,
    'rest.advertised.host.name': '127.0.0.1',
    'rest.advertised.port': String(options.port),
    'plugin.path': CONNECT_PLUGINS,
    'config.providers': 'env',
    'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
    ...options.extra,
  };
  return `${Object.entries(properties)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/**
 * Starts org.apache.kafka.connect.cli.ConnectDistributed against `kafka` on a free port; resolves once
 * GET /health is 200 and GET /connector-plugins lists the Debezium MariaDB connector.
 */
export async function startConnect(kafka: LocalKafka, options: StartConnectOptions = {}): Promise<LocalConnect> {
  ensureIntegrationServices();
  const root = mkdtempSync(join(tmpdir(), 'lab-connect-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const propertiesFile = join(root, 'connect-distributed.properties');
  writeFileSync(
    propertiesFile,
    workerProperties({ bootstrap: kafka.bootstrap, port, id: randomBytes(4).toString('hex'), extra: options.properties ?? {} }),
  );
  const log4jFile = writeLog4jConfig(root);
  const logFile = join(root, 'connect.log');
  const worker: ServiceProcess = spawnService({
    name: 'Kafka Connect worker',
    command: 'java',
    args: kafkaJavaArgs({
      heapMb: options.heapMb ?? 512,
      log4jFile,
      mainClass: 'org.apache.kafka.connect.cli.ConnectDistributed',
      args: [propertiesFile],
    }),
    logFile,
    env: { ...process.env, ...options.env },
  });
  try {
    const ready = async (): Promise<boolean> =>
      (await workerHealthy(url)) && (await listPlugins(url)).some((plugin) => plugin.class === DEBEZIUM_MARIADB_CONNECTOR_CLASS);
    await waitUntil(ready, {
      what: `Kafka Connect worker on ${url} (waiting for GET /health and ${DEBEZIUM_MARIADB_CONNECTOR_CLASS} in GET /connector-plugins)`,
      timeoutMs: options.startTimeoutMs ?? 180_000,
      intervalMs: 1_000,
      abort: () => {
        const reason = worker.exitReason();
        return reason === undefined ? undefined : `the worker process ${reason} before it listed the plugin`;
      },
      describe: () => tailOfFile(logFile),
    });
  } catch (error) {
    await worker.kill();
    throw error;
  }
  return { url, logFile, stop: () => worker.stop() };
}
