import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { kafkaJavaArgs, runKafkaTool, writeLog4jConfig } from './jvm';
import { ensureIntegrationServices } from './paths';
import { freePort, waitUntil } from './ports';
import { removeAtExit, type ServiceProcess, spawnService, tailOfFile } from './service-process';

/** A single-node Apache Kafka 3.9.1 (KRaft, broker and controller in one process) on 127.0.0.1. */
export interface LocalKafka {
  /** host:port of the PLAINTEXT listener, for kafkajs `brokers` and `bootstrap.servers`. */
  readonly bootstrap: string;
  /** host:port of the CONTAINERS listener when started with `containerHost`, for services in containers. */
  readonly containerBootstrap?: string;
  readonly port: number;
  /** The broker's stdout/stderr (its log4j output). Kept after the run. */
  readonly logFile: string;
  /** Where the topic data lives (removed when the test process exits). */
  readonly dataDir: string;
  /** Clean shutdown: SIGTERM and wait for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash: no shutdown, no flush beyond what the OS already holds. */
  kill(): Promise<void>;
  /** Starts the broker again on the same port with the same data; stops it first if it runs. */
  restart(): Promise<void>;
  /** Whether the broker process is running. */
  isRunning(): boolean;
  /**
   * SIGSTOP: the broker keeps its sockets open and accepts bytes but answers nothing, as in a long
   * GC pause or a network partition that drops no connection. thaw() resumes it.
   */
  freeze(): void;
  /** SIGCONT after freeze(): the broker answers what it received meanwhile. */
  thaw(): void;
}

export interface StartKafkaOptions {
  /** Default partitions of created topics (num.partitions). Default 1. */
  readonly partitions?: number;
  /** The stack's broker has auto.create.topics.enable=false, so tests default to the same. */
  readonly autoCreateTopics?: boolean;
  /** JVM heap. Default 512 MB. */
  readonly heapMb?: number;
  /** How long to wait for the broker to answer. Default 90 s (a cold JVM on 2 busy cores). */
  readonly startTimeoutMs?: number;
  /** More server.properties entries, which win over the defaults. */
  readonly properties?: Readonly<Record<string, string>>;
  /**
   * An address of this machine that containers reach, e.g. a Docker network's gateway: the broker
   * then also listens there (listener CONTAINERS) and advertises that address to clients that
   * bootstrap through it, which the 127.0.0.1 listener could not serve from inside a container.
   */
  readonly containerHost?: string;
  /** Secures the broker (startSecureKafka in secure-kafka.ts builds this); plaintext without it. */
  readonly security?: BrokerSecurity;
}

/**
 * What turns the plaintext broker into a secured one: the client listeners (127.0.0.1 and
 * CONTAINERS) speak SASL_SSL, the controller listener TLS.
 */
export interface BrokerSecurity {
  /** server.properties entries: TLS, SASL and authorizer settings. */
  readonly properties: Readonly<Record<string, string>>;
  /** More arguments of `kafka-storage format`, e.g. --add-scram for the super user the broker itself logs in as. */
  readonly formatArgs: readonly string[];
  /** kafkajs TLS and SASL settings with which the readiness probe connects. */
  readonly client: Pick<KafkaConfig, 'ssl' | 'sasl'>;
}

/** Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding (Uuid.toString()). */
const newClusterId = (): string => randomBytes(16).toString('base64url');

function serverProperties(options: {
  port: number;
  controllerPort: number;
  container?: { host: string; port: number };
  dataDir: string;
  partitions: number;
  autoCreateTopics: boolean;
  extra: Readonly<Record<string, string>>;
  secured: boolean;
}): string {
  const containers = options.container && `${options.container.host}:${options.container.port}`;
  // The 127.0.0.1 client listener is named after its protocol, so that listener-prefixed settings read naturally.
  const client = options.secured ? 'SASL_SSL' : 'PLAINTEXT';
  const controllerProtocol = options.secured ? 'SSL' : 'PLAINTEXT';
  const properties: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${options.controllerPort}`,
    listeners: `${client}://127.0.0.1:${options.port},CONTROLLER://127.0.0.1:${options.controllerPort}${containers ? `,CONTAINERS://${containers}` : ''}`,
    'advertised.listeners': `${client}://127.0.0.1:${options.port}${containers ? `,CONTAINERS://${containers}` : ''}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': client,
    'listener.security.protocol.map': `CONTROLLER:${controllerProtocol},${client}:${client}${containers ? `,CONTAINERS:${client}` : ''}`,
    'log.dirs': options.dataDir,
    'num.partitions': String(options.partitions),
    'auto.create.topics.enable': String(options.autoCreateTopics),
    'default.replication.factor': '1',
    'min.insync.replicas': '1',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '5',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '5',
    'group.initial.rebalance.delay.ms': '0',
    // After a SIGKILL the restarted broker cannot register until its old session expires (default
    // 9 s, DUPLICATE_BROKER_REGISTRATION until then); one node needs no slack for network hiccups.
    'broker.session.timeout.ms': '3000',
    'broker.heartbeat.interval.ms': '500',
    // Fewer threads than the defaults: two cores are shared by every service of a test run.
    'num.network.threads': '2',
    'num.io.threads': '4',
    'background.threads': '4',
    'log.retention.hours': '24',
    'log.segment.bytes': String(256 * 1024 * 1024),
    ...options.extra,
  };
  return `${Object.entries(properties)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/** True when the broker answers a metadata request and names itself as controller. */
export async function kafkaAnswers(bootstrap: string, security: Pick<KafkaConfig, 'ssl' | 'sasl'> = {}): Promise<boolean> {
  const admin = new Kafka({
    ...security,
    clientId: 'integration-probe',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Formats KRaft storage in a fresh temp dir and starts one broker on free 127.0.0.1 ports; resolves
 * once kafkajs' describeCluster answers. Installs the jars first if this machine has none.
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<LocalKafka> {
  ensureIntegrationServices();
  const root = mkdtempSync(join(tmpdir(), 'lab-kafka-'));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  removeAtExit(dataDir);
  const [port, controllerPort] = [await freePort(), await freePort()];
  const bootstrap = `127.0.0.1:${port}`;
  const container = options.containerHost === undefined ? undefined : { host: options.containerHost, port: await freePort() };
  const propertiesFile = join(root, 'server.properties');
  writeFileSync(
    propertiesFile,
    serverProperties({
      port,
      controllerPort,
      container,
      dataDir,
      partitions: options.partitions ?? 1,
      autoCreateTopics: options.autoCreateTopics ?? false,
      extra: { ...options.security?.properties, ...options.properties },
      secured: options.security !== undefined,
    }),
  );
  const log4jFile = writeLog4jConfig(root);
  const logFile = join(root, 'kafka.log');
  const heapMb = options.heapMb ?? 512;

  runKafkaTool(
    'Kafka storage format (kafka.tools.StorageTool)',
    kafkaJavaArgs({
      heapMb: 128,
      log4jFile,
      mainClass: 'kafka.tools.StorageTool',
      args: ['format', `--cluster-id=${newClusterId()}`, '-c', propertiesFile, ...(options.security?.formatArgs ?? [])],
    }),
  );

  let broker: ServiceProcess | undefined;
  const launch = async (): Promise<void> => {
    const started = spawnService({
      name: 'Kafka broker',
      command: 'java',
      args: kafkaJavaArgs({ heapMb, log4jFile, mainClass: 'kafka.Kafka', args: [propertiesFile] }),
      logFile,
    });
    broker = started;
    await waitUntil(() => kafkaAnswers(bootstrap, options.security?.client), {
      what: `Kafka broker on ${bootstrap}`,
      timeoutMs: options.startTimeoutMs ?? 90_000,
      abort: () => {
        const reason = started.exitReason();
        return reason === undefined ? undefined : `the broker process ${reason} before it answered`;
      },
      describe: () => tailOfFile(logFile),
    });
  };
  const running = (): boolean => broker !== undefined && broker.exitReason() === undefined;
  let frozen = false;
  const signal = (name: 'SIGSTOP' | 'SIGCONT'): void => {
    if (broker === undefined || !running()) throw new Error(`cannot ${name} the Kafka broker on ${bootstrap}: it is not running`);
    process.kill(broker.pid, name);
    frozen = name === 'SIGSTOP';
  };
  // A stopped process keeps SIGTERM pending, so a clean stop of a frozen broker thaws it first.
  const thawIfFrozen = (): void => {
    if (frozen && running()) signal('SIGCONT');
  };

  try {
    await launch();
  } catch (error) {
    await broker?.kill();
    throw error;
  }

  return {
    bootstrap,
    ...(container ? { containerBootstrap: `${container.host}:${container.port}` } : {}),
    port,
    logFile,
    dataDir,
    isRunning: running,
    async stop() {
      thawIfFrozen();
      await broker?.stop();
    },
    async kill() {
      await broker?.kill();
      frozen = false;
    },
    async restart() {
      thawIfFrozen();
      if (running()) await broker?.stop();
      await launch();
    },
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
  };
}

export {
  parseProducerPerformanceSummary,
  type ProducerPerformanceOptions,
  type ProducerPerformanceResult,
  runProducerPerformance,
} from './producer-performance';
