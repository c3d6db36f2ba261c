/**
 * Confluent Schema Registry 7.9.9 (built from public sources, ../shared/schema-registry, assembled by
 * scripts/setup-schema-registry.sh into .cache/schema-registry) on a free 127.0.0.1 port, storing
 * its schemas in a LocalKafka. Kept apart from registry.ts (Apicurio), which another change may
 * switch to these jars: the ksqlDB tests need the real Confluent registry for JSON_SR, AVRO and
 * PROTOBUF statements today.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import type { LocalKafka } from './kafka';
import { writeLog4jConfig } from './jvm';
import { freePort, waitUntil } from './ports';
import { type ServiceProcess, spawnService, tailOfFile } from './service-process';

const HOME = join(PROJECT_ROOT, '.cache', 'schema-registry');
const SETUP_SCRIPT = join(PROJECT_ROOT, 'scripts', 'setup-schema-registry.sh');

export interface LocalConfluentRegistry {
  readonly url: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

function ensureConfluentRegistry(): void {
  if (existsSync(join(HOME, 'jars', 'kafka-schema-registry-7.9.9.jar'))) return;
  const setup = spawnSync('bash', [SETUP_SCRIPT], { stdio: 'inherit' });
  if (setup.status !== 0) throw new Error(`scripts/setup-schema-registry.sh exited with ${setup.status ?? setup.signal}; its output above names the step`);
}

export async function startConfluentRegistry(kafka: LocalKafka, options: { startTimeoutMs?: number } = {}): Promise<LocalConfluentRegistry> {
  ensureConfluentRegistry();
  const root = mkdtempSync(join(tmpdir(), 'lab-confluent-registry-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const propertiesFile = join(root, 'schema-registry.properties');
  writeFileSync(
    propertiesFile,
    [
      `listeners=${url}`,
      'host.name=127.0.0.1',
      `kafkastore.bootstrap.servers=PLAINTEXT://${kafka.bootstrap}`,
      'kafkastore.topic=_schemas',
      'schema.registry.group.id=schema-registry',
      'kafkastore.topic.replication.factor=1',
      '',
    ].join('\n'),
  );
  const logFile = join(root, 'schema-registry.log');
  const registry: ServiceProcess = spawnService({
    name: 'Confluent Schema Registry',
    command: 'java',
    args: [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      `-Dlog4j.configuration=file:${writeLog4jConfig(root)}`,
      '-cp',
      `${join(HOME, 'jars')}/*:${join(HOME, 'lib')}/*`,
      'io.confluent.kafka.schemaregistry.rest.SchemaRegistryMain',
      propertiesFile,
    ],
    logFile,
  });
  try {
    await waitUntil(async () => (await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) })).ok, {
      what: `Confluent Schema Registry on ${url}`,
      timeoutMs: options.startTimeoutMs ?? 120_000,
      intervalMs: 1_000,
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
  return { url, logFile, stop: () => registry.stop() };
}
