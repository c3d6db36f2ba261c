import { TOPIC_PREFIX_ENV } from '../lib/topic-prefix';
import { Image } from '@cdktf/provider-docker/lib/image';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { DatasetName } from '../pipelines/datasets';
import type { KafkaConnection } from './kafka-connection';
import type { SchemaRegistry } from './schema-registry';
import { Service, type HttpEndpoints, type ServiceContext } from './service';
import { LocalImage } from './local-image';
import { healthFilesCheck, httpStatusCheck } from './app-healthchecks';
import { GROUP_SEPARATOR, RUN_COMMAND } from '../generators/run-args';

/** What the app image is built from (the project's Dockerfile); a change to any of it rebuilds. */
export const APP_IMAGE_INPUTS = ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'generators', 'payments',
  'lib/topic-prefix.ts', 'lib/host-port.ts', 'lib/loopback.ts', 'lib/json-text-scan.ts'];

export const PAYMENTS_API_PORT = 8000;

/**
 * Room a generator's Node.js process needs outside the V8 heap (code, native memory, buffers):
 * measured 43 MiB for every generator at the stack's rates and for the Kafka generators at
 * 1000/s (BENCHMARKS.md, "Generator memory"). The payments generator at high request rates holds
 * more (undici's connections): the README asks for a larger limit there.
 */
const GENERATOR_NON_HEAP_MB = 64;

/**
 * The generator's V8 heap cap: the memory limit less what lives outside the heap. Under load V8
 * grows the heap to its cap even when little of it is live, so the cap plus the non-heap part must
 * fit the limit: then a leak ends in V8's "heap out of memory" with a stack trace, not in the
 * kernel's OOM kill.
 */
export function generatorHeapMb(memoryMb: number): number {
  return Math.max(32, memoryMb - GENERATOR_NON_HEAP_MB);
}

/** The image that runs every generator and the payments API, built from the project's Dockerfile. */
export function appImage(scope: Construct, project: string, nodeBaseImage: string): Image {
  return new LocalImage(scope, 'app-image', {
    repository: `${project}/app`,
    context: '.',
    buildArgs: { NODE_IMAGE: nodeBaseImage },
    inputs: APP_IMAGE_INPUTS,
  }).image;
}

/** Kafka client settings for the Node.js clients, as environment variables the CLI reads. */
export function kafkaClientEnv(kafka: KafkaConnection): Record<string, string> {
  const env: Record<string, string> = { KAFKA_BROKERS: kafka.bootstrapServers };
  const props = kafka.clientProperties;
  if (props['security.protocol']) env.KAFKA_SECURITY_PROTOCOL = props['security.protocol'];
  if (props['sasl.mechanism']) env.KAFKA_SASL_MECHANISM = props['sasl.mechanism'];
  if (kafka.saslCredentials) {
    env.KAFKA_SASL_USERNAME = kafka.saslCredentials.username;
    env.KAFKA_SASL_PASSWORD = kafka.saslCredentials.password;
  }
  if (kafka.caCertPem) env.KAFKA_SSL_CA = kafka.caCertPem;
  if (kafka.topicPrefix) env[TOPIC_PREFIX_ENV] = kafka.topicPrefix;
  return env;
}

/** One dataset the generators container produces, at its configured rate. */
export interface GeneratedDataset {
  readonly dataset: DatasetName;
  readonly ratePerSecond: number;
  /**
   * CLI flags after `<dataset> --rate N --health-file F` (the pipeline's flags, `--via-api`).
   * @default none
   */
  readonly extraArgs?: readonly string[];
}

export interface GeneratorsProps {
  readonly context: ServiceContext;
  readonly image: Image;
  /** Every dataset to produce; a paused dataset (rate 0) is left out. */
  readonly datasets: readonly GeneratedDataset[];
  readonly memoryMb: number;
  readonly kafka: KafkaConnection;
  /**
   * Environment besides the Kafka client settings (the database URL of a database dataset).
   * @default none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * What the generators write to or call besides Kafka (the database, the payments API).
   * @default the brokers only
   */
  readonly dependsOn?: readonly Service[];
  /** The topics they write: brokers do not auto-create topics. */
  readonly topics: readonly ITerraformDependable[];
}

/** Where the generators container's process writes a dataset's health file. */
export function generatorHealthFile(dataset: DatasetName): string {
  return `/tmp/healthy-${dataset}`;
}

/** The `lab-generate run` command line: one group per dataset, separated by `--`. */
function runCommand(datasets: readonly GeneratedDataset[]): string[] {
  const groups = datasets.map((d) => [d.dataset, '--rate', String(d.ratePerSecond), '--health-file', generatorHealthFile(d.dataset), ...(d.extraArgs ?? [])]);
  return ['node', 'dist/generators/cli.js', RUN_COMMAND, ...groups.flatMap((group, i) => (i === 0 ? group : [GROUP_SEPARATOR, ...group]))];
}

/**
 * One container that produces every dataset continuously, each at its own rate, in one Node.js
 * process: ten processes cost ten times Node's own baseline (BENCHMARKS.md, "Generator memory").
 * Healthy while every dataset's health file is fresh.
 */
export class Generators extends Construct {
  readonly service: Service;

  constructor(scope: Construct, id: string, props: GeneratorsProps) {
    super(scope, id);
    if (props.datasets.length === 0) throw new Error('generators: no dataset to produce; leave the generators container out when every dataset is paused (rate 0)');
    for (const { dataset, ratePerSecond } of props.datasets) {
      // The CLI refuses --rate 0 (it once meant "unlimited"); a paused dataset is left out of the command.
      if (!(ratePerSecond > 0 && Number.isFinite(ratePerSecond))) {
        throw new Error(`generators: ${dataset}'s ratePerSecond ${ratePerSecond} is not a number above 0; leave a paused dataset (rate 0) out of the generators' datasets`);
      }
    }
    this.service = new Service(this, 'service', {
      context: props.context,
      hostname: 'generators',
      image: props.image,
      memoryMb: props.memoryMb,
      command: runCommand(props.datasets),
      env: { ...kafkaClientEnv(props.kafka), NODE_OPTIONS: `--max-old-space-size=${generatorHeapMb(props.memoryMb)}`, ...props.env },
      dependsOn: [...props.kafka.brokers, ...(props.dependsOn ?? [])],
      after: [...props.topics, ...(props.kafka.accessGranted ?? [])],
      healthCheck: { test: healthFilesCheck(props.datasets.map((d) => generatorHealthFile(d.dataset)), 30), startPeriodSeconds: 20 },
    });
  }
}

export interface PaymentsApiProps {
  readonly context: ServiceContext;
  readonly image: Image;
  readonly kafka: KafkaConnection;
  /** The API registers its Avro and Protobuf schemas there at start. */
  readonly schemaRegistry: SchemaRegistry;
  readonly memoryMb: number;
  readonly hostPort: number;
  readonly topics: readonly ITerraformDependable[];
}

/** The payments HTTP API: JSON, Avro and Protobuf payments through Schema Registry. */
export class PaymentsApi extends Construct implements HttpEndpoints {
  readonly service: Service;
  /** The API on the lab network, e.g. http://payments-api:8000. */
  readonly internalUrl: string;
  /** The API at its published port, e.g. http://127.0.0.1:8000. */
  readonly hostUrl: string;

  constructor(scope: Construct, id: string, props: PaymentsApiProps) {
    super(scope, id);
    this.service = new Service(this, 'service', {
      context: props.context,
      hostname: 'payments-api',
      image: props.image,
      memoryMb: props.memoryMb,
      command: ['node', 'dist/payments/server.js'],
      env: {
        ...kafkaClientEnv(props.kafka),
        SCHEMA_REGISTRY_URL: props.schemaRegistry.internalUrl,
        // The API binds 127.0.0.1 by default; inside its container it must take the published port's traffic.
        HOST: '0.0.0.0',
        PORT: String(PAYMENTS_API_PORT),
        NODE_OPTIONS: `--max-old-space-size=${Math.floor(props.memoryMb * 0.6)}`,
      },
      ports: [{ container: PAYMENTS_API_PORT, host: props.hostPort, protocol: 'http' }],
      dependsOn: [...props.kafka.brokers, props.schemaRegistry.service],
      after: [...props.topics, ...(props.kafka.accessGranted ?? [])],
      healthCheck: {
        test: httpStatusCheck(PAYMENTS_API_PORT, '/healthz'),
        startPeriodSeconds: 15,
      },
    });
    this.internalUrl = this.service.url(PAYMENTS_API_PORT);
    this.hostUrl = this.service.hostUrl(PAYMENTS_API_PORT);
  }
}
